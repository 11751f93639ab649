// Shared by the k6 scripts: the API's base URL, JSON calls, and the set-up calls (run once, in setup()).
import http from 'k6/http';
import { check, fail } from 'k6';

export const BASE = `${(__ENV.BASE_URL || 'http://localhost:5000').replace(/\/$/, '')}/api/v1`;
const PARAMS = { headers: { 'Content-Type': 'application/json' } };
const RUN = `${Date.now()}`;

export function intEnv(name, fallback) {
  const value = parseInt(__ENV[name] || '', 10);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

export function post(path, body, step) {
  return http.post(`${BASE}${path}`, JSON.stringify(body), Object.assign({}, PARAMS, { tags: { step: step || 'setup' } }));
}

export function get(path, step) {
  return http.get(`${BASE}${path}`, { tags: { step: step || 'verify' } });
}

export function must(res, status, what) {
  if (res.status !== status) {
    fail(`${what}: expected ${status}, got ${res.status} ${res.body}`);
  }
  return res.json();
}

/** Creates n users (100 per batch), each charged `charge` KRW in steps of at most 10,000,000. */
export function createUsers(n, prefix, charge) {
  const ids = [];
  for (let start = 0; start < n; start += 100) {
    const requests = [];
    for (let i = start; i < Math.min(n, start + 100); i++) {
      requests.push(['POST', `${BASE}/users`, JSON.stringify({ name: `k6 ${prefix} ${i}`, email: `k6-${prefix}-${RUN}-${i}@bench.example` }), PARAMS]);
    }
    for (const res of http.batch(requests)) {
      ids.push(must(res, 201, 'POST /users').userId);
    }
  }
  for (const id of ids) {
    for (let left = charge; left > 0; left -= 10000000) {
      must(post(`/users/${id}/balance/charge`, { amount: Math.min(left, 10000000) }), 200, 'charge');
    }
  }
  return ids;
}

export function createProduct(name, price, stock) {
  return must(post('/products', { name: `${name} ${RUN}`, price, stock }), 201, 'POST /products').productId;
}

export function createCoupon(name, discountAmount, totalQuantity) {
  const expiresAt = new Date(Date.now() + 24 * 3600 * 1000).toISOString();
  return must(post('/coupons', { name: `${name} ${RUN}`, discountAmount, totalQuantity, expiresAt }), 201, 'POST /coupons').couponId;
}

/** An invariant read back from the server after the load: a failed one fails the `checks` threshold. */
export function invariant(name, expected, actual) {
  const ok = check(actual, { [`${name}: expected ${expected}`]: (value) => value === expected });
  console.log(`${ok ? 'PASS' : 'FAIL'} ${name}: expected ${expected}, actual ${actual}`);
}

/** One VU per user, each running the default function once, all started together. */
export function onceEach(users) {
  return { executor: 'per-vu-iterations', vus: users, iterations: 1, maxDuration: '60s' };
}
