// Seed 001 test 3: one user's wallet charged and debited alternately N times at once (default 100);
// a debit pays a small order created in setup().
// k6 run -e BASE_URL=http://localhost:5000 -e USERS=100 k6/wallet-charge-use.js
import { check } from 'k6';
import { createProduct, createUsers, get, intEnv, invariant, must, onceEach, post } from './lib.js';

const OPERATIONS = intEnv('USERS', 100);
const USES = Math.floor(OPERATIONS / 2);
const CHARGES = OPERATIONS - USES;
const CHARGE = 1000;
const PRICE = 700;

export const options = {
  scenarios: { wallet: onceEach(OPERATIONS) },
  setupTimeout: '120s',
  thresholds: {
    http_req_duration: ['p(95)<200'],
    http_req_failed: ['rate<0.01'],
    checks: ['rate==1.0'],
  },
};

export function setup() {
  const start = PRICE * USES; // enough for every payment in any order, so every request must succeed
  const { id: userId, token } = createUsers(1, 'wallet', start)[0];
  const productId = createProduct('k6 wallet item', PRICE, Math.max(1, USES));
  const orders = [];
  for (let i = 0; i < USES; i++) {
    orders.push(must(post('/orders', { userId, items: [{ productId, quantity: 1 }] }, 'setup', token), 201, 'POST /orders').orderId);
  }
  return { userId, token, start, orders };
}

export default function (data) {
  const item = __VU - 1;
  if (item % 2 === 0) {
    check(post(`/users/${data.userId}/balance/charge`, { amount: CHARGE }, 'charge', data.token), { 'charge is 200': (r) => r.status === 200 });
  } else {
    check(post(`/orders/${data.orders[(item - 1) / 2]}/payment`, { userId: data.userId }, 'use', data.token), { 'use is 200': (r) => r.status === 200 });
  }
}

export function teardown(data) {
  invariant('balance == start + charges - uses', data.start + CHARGES * CHARGE - USES * PRICE, get(`/users/${data.userId}/balance`, 'verify', data.token).json('balance'));
}
