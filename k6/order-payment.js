// Seed 001 test 2: N users (default 100) order 3 products x 10 from stock S each (default 1,000) and pay, at once.
// k6 run -e BASE_URL=http://localhost:5000 -e USERS=100 -e STOCK=1000 k6/order-payment.js
import http from 'k6/http';
import { check } from 'k6';
import { createProduct, createUsers, get, intEnv, invariant, onceEach, post } from './lib.js';

const USERS = intEnv('USERS', 100);
const STOCK = intEnv('STOCK', 1000);
const QUANTITY = 10;
const PAID = Math.min(USERS, Math.floor(STOCK / QUANTITY));

export const options = {
  scenarios: { pay: onceEach(USERS) },
  setupTimeout: '120s',
  thresholds: {
    'http_req_duration{step:order}': ['p(95)<200'],
    'http_req_duration{step:pay}': ['p(95)<200'],
    'http_req_failed{step:pay}': ['rate<0.01'],
    checks: ['rate==1.0'],
  },
};

http.setResponseCallback(http.expectedStatuses(200, 201, 409));

export function setup() {
  return {
    users: createUsers(USERS, 'payer', 1000000),
    products: ['A', 'B', 'C'].map((label) => createProduct(`k6 product ${label}`, 1000, STOCK)),
  };
}

export default function (data) {
  const { id: userId, token } = data.users[__VU - 1];
  const order = post('/orders', { userId, items: data.products.map((productId) => ({ productId, quantity: QUANTITY })) }, 'order', token);
  check(order, { 'order is 201, or 409 when stock ran out': (r) => r.status === 201 || (r.status === 409 && r.json('code') === 'STOCK_INSUFFICIENT') });
  if (order.status === 201) {
    const pay = post(`/orders/${order.json('orderId')}/payment`, { userId }, 'pay', token);
    check(pay, { 'payment is 200 PAID': (r) => r.status === 200 && r.json('status') === 'PAID' });
  }
}

export function teardown(data) {
  for (const productId of data.products) {
    invariant(`product ${productId} stock == S - 10 x paid`, STOCK - QUANTITY * PAID, get(`/products/${productId}`, 'verify', null).json('stock'));
  }
  const debited = data.users.filter((user) => get(`/users/${user.id}/balance`, 'verify', user.token).json('balance') === 1000000 - 30000).length;
  invariant('users debited 30,000 == min(N, S/10)', PAID, debited);
}
