// The checkout page: one invoice's amount, QR code and live status, from lnkit/http. No build step.
'use strict';

const id = location.pathname.split('/').pop();
const api = `/api/invoices/${encodeURIComponent(id)}`;
const $ = (selector) => document.getElementById(selector);
const main = document.querySelector('main');
const LABELS = {
  open: 'Waiting for payment…',
  accepted: 'Payment arriving…',
  settled: 'Paid',
  expired: 'Expired',
  cancelled: 'Cancelled',
};
let expiresAt = 0;
let timer = 0;

function show(invoice) {
  main.dataset.status = invoice.status;
  $('status').textContent = LABELS[invoice.status] ?? invoice.status;
  if (invoice.status !== 'open' && invoice.status !== 'accepted') {
    clearInterval(timer);
    if (invoice.status === 'settled') $('countdown-line').textContent = 'Payment received, thank you!';
    else $('countdown').textContent = '0:00';
  }
}

function tick() {
  const left = Math.max(0, Math.round((expiresAt - Date.now()) / 1000));
  $('countdown').textContent = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`;
}

async function start() {
  const response = await fetch(api);
  if (!response.ok) {
    $('status').textContent = response.status === 404 ? 'No such invoice' : 'Unavailable, reload in a moment';
    return;
  }
  const invoice = await response.json();
  $('description').textContent = invoice.description;
  $('amount-eur').textContent = invoice.amount_eur === null ? '' : `€${invoice.amount_eur}`;
  $('amount-sat').textContent = `${invoice.amount_sats.toLocaleString('en')} sat`;
  $('qr').src = `${api}/qr.svg`;
  $('wallet-link').href = `lightning:${invoice.payment_request}`;
  $('payment-request').value = invoice.payment_request;
  expiresAt = Date.parse(invoice.expiry_time);
  tick();
  timer = setInterval(tick, 1000);
  show(invoice);

  // The stream sends the current status at once, then each change; EventSource resumes with Last-Event-ID.
  const events = new EventSource(`${api}/events`);
  events.addEventListener('status', (event) => {
    const next = JSON.parse(event.data);
    show(next);
    if (next.status !== 'open' && next.status !== 'accepted') events.close();
  });
}

$('copy').addEventListener('click', async () => {
  try {
    await navigator.clipboard.writeText($('payment-request').value);
    $('copy').textContent = 'Copied';
  } catch {
    $('payment-request').select();
    $('copy').textContent = 'Press Ctrl+C';
  }
});

start();
