// Seed 004's cart: N users (default 100) each put 2 or 3 options of one product in their cart (one unit each), check
// out and pay, at once. Each option has stock S (default N: every checkout succeeds; a smaller S makes them race).
// k6 run -e BASE_URL=http://localhost:5000 -e USERS=100 -e STOCK=100 k6/cart-checkout.js
import http from 'k6/http';
import { check } from 'k6';
import { createUsers, get, intEnv, invariant, must, onceEach, post, put } from './lib.js';

const USERS = intEnv('USERS', 100);
const STOCK = intEnv('STOCK', USERS);
const CHARGE = 1000000;
const PRICES = [1000, 1500, 2000];

export const options = {
  scenarios: { checkout: onceEach(USERS) },
  setupTimeout: '120s',
  thresholds: {
    'http_req_duration{step:cart}': ['p(95)<200'],
    'http_req_duration{step:checkout}': ['p(95)<200'],
    'http_req_duration{step:pay}': ['p(95)<200'],
    'http_req_failed{step:pay}': ['rate<0.01'],
    checks: ['rate==1.0'],
  },
};

http.setResponseCallback(http.expectedStatuses(200, 201, 409));

// User i (0-based) takes options 0 and 1, and option 2 too when i is odd.
const optionsOf = (i) => (i % 2 === 1 ? [0, 1, 2] : [0, 1]);

export function setup() {
  const product = must(post('/products', {
    name: `k6 cart product ${Date.now()}`,
    options: PRICES.map((price, i) => ({ name: `Option ${i + 1}`, price, stock: STOCK })),
  }), 201, 'POST /products');
  return { users: createUsers(USERS, 'cart', CHARGE), productId: product.productId, options: product.options.map((o) => o.optionId) };
}

export default function (data) {
  const i = __VU - 1;
  const { id: userId, token } = data.users[i];
  for (const option of optionsOf(i)) {
    const line = put(`/users/${userId}/cart/items/${data.options[option]}`, { quantity: 1 }, 'cart', token);
    check(line, { 'cart line is 200': (r) => r.status === 200 });
  }
  const order = post(`/users/${userId}/cart/checkout`, {}, 'checkout', token);
  check(order, { 'checkout is 201, or 409 when stock ran out': (r) => r.status === 201 || (r.status === 409 && r.json('code') === 'STOCK_INSUFFICIENT') });
  if (order.status === 201) {
    const pay = post(`/orders/${order.json('orderId')}/payment`, { userId }, 'pay', token);
    check(pay, { 'payment is 200 PAID': (r) => r.status === 200 && r.json('status') === 'PAID' });
  }
}

export function teardown(data) {
  const emptied = data.users.map((user) => get(`/users/${user.id}/cart`, 'verify', user.token).json('items').length === 0);
  const stocks = get(`/products/${data.productId}`, 'verify', null).json('options').map((o) => o.stock);
  PRICES.forEach((_, option) => {
    const taken = data.users.filter((_, i) => emptied[i] && optionsOf(i).includes(option)).length;
    invariant(`option ${option + 1} stock == S - units in checked-out carts`, STOCK - taken, stocks[option]);
  });
  const paidRight = data.users.filter((user, i) => {
    const balance = get(`/users/${user.id}/balance`, 'verify', user.token).json('balance');
    const cost = optionsOf(i).reduce((sum, option) => sum + PRICES[option], 0);
    return balance === (emptied[i] ? CHARGE - cost : CHARGE);
  }).length;
  invariant('users whose balance == charge - what their checkout cost', USERS, paidRight);
}
