/**
 * Test fixtures: each provider's real response shape (reference §4.1) as raw JSON text, with the
 * price and time to put in it. Used by the unit tests and test/integration/rates-http.test.ts;
 * not exported from lnkit/rates.
 */

/** Which provider a fixture imitates. */
export type ProviderName = 'kraken' | 'bitstamp' | 'coinbase' | 'coingecko' | 'coinmarketcap';

/** The path (and query) each source requests, relative to its baseUrl. */
export const PROVIDER_PATHS: Readonly<Record<ProviderName, string>> = {
  kraken: '/0/public/Ticker?pair=XBTEUR',
  bitstamp: '/api/v2/ticker/btceur/',
  coinbase: '/v2/prices/BTC-EUR/spot',
  coingecko: '/api/v3/simple/price?ids=bitcoin&vs_currencies=eur&include_last_updated_at=true',
  coinmarketcap: '/v2/cryptocurrency/quotes/latest?id=1&convert=EUR',
};

/**
 * A successful body. `price` is inserted verbatim: as a JSON string for Kraken/Bitstamp/Coinbase,
 * as a raw number literal for CoinGecko/CoinMarketCap (so `'1e400'` or `'NaN'` go in as sent).
 */
export function okBody(provider: ProviderName, price: string, quotedAtMs: number): string {
  const unix = Math.floor(quotedAtMs / 1000);
  const iso = new Date(quotedAtMs).toISOString();
  const s = JSON.stringify(price);
  switch (provider) {
    case 'kraken':
      return `{"error":[],"result":{"XXBTZEUR":{"a":["87654.40000","1","1.000"],"b":["87654.20000","2","2.000"],"c":[${s},"0.00100000"],"v":["120.51","1500.27"],"p":["87000.1","86900.5"],"t":[1234,45678],"l":["86000.0","85000.0"],"h":["88000.0","88500.0"],"o":"86500.00000"}}}`;
    case 'bitstamp':
      return `{"timestamp":"${unix}","open":"86500","high":"88000","low":"86000","last":${s},"volume":"1234.56789","vwap":"87000","bid":"87654","ask":"87655","side":"0","open_24":"86400","percent_change_24":"1.45"}`;
    case 'coinbase':
      return `{"data":{"amount":${s},"base":"BTC","currency":"EUR"}}`;
    case 'coingecko':
      return `{"bitcoin":{"eur":${price},"last_updated_at":${unix}}}`;
    case 'coinmarketcap':
      return `{"status":{"timestamp":"${iso}","error_code":0,"error_message":null,"elapsed":10,"credit_count":1,"notice":null},"data":{"1":{"id":1,"name":"Bitcoin","symbol":"BTC","slug":"bitcoin","is_active":1,"quote":{"EUR":{"price":${price},"volume_24h":35123456789.12,"percent_change_1h":0.12,"market_cap":1735000000000.5,"last_updated":"${iso}"}}}}}`;
  }
}

/** An error body the provider sends with HTTP 200, or undefined when it has none. */
export function errorBodyOn200(provider: ProviderName): string | undefined {
  switch (provider) {
    case 'kraken':
      return '{"error":["EQuery:Unknown asset pair"]}';
    case 'bitstamp':
      return '{"status":"error","reason":"Rate limit exceeded","code":"400.002"}';
    case 'coinbase':
      return '{"errors":[{"id":"not_found","message":"Invalid currency"}]}';
    case 'coingecko':
      return '{"status":{"error_code":10002,"error_message":"API Key Missing"}}';
    case 'coinmarketcap':
      return '{"status":{"timestamp":"2026-01-01T00:00:00.000Z","error_code":1002,"error_message":"API key missing.","elapsed":0,"credit_count":0}}';
  }
}

/** A gateway error page, as proxies in front of these APIs send it. */
export const HTML_502 =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n';
