// Shared by the k6 scripts: the API's base URL, JSON calls with bearer tokens, and the set-up calls (run once, in
// setup(), untimed): users are registered and signed in there, and each VU sends its own user's token.
import http from 'k6/http';
import { check, fail } from 'k6';

export const BASE = `${(__ENV.BASE_URL || 'http://localhost:5000').replace(/\/$/, '')}/api/v1`;
const PARAMS = { headers: { 'Content-Type': 'application/json' } };
const RUN = `${Date.now()}`;
// The bootstrap admin of `dotnet run` (src/Api/appsettings.json); creates products and coupons, reads back invariants.
const ADMIN_EMAIL = __ENV.ADMIN_EMAIL || 'admin@example.com';
const ADMIN_PASSWORD = __ENV.ADMIN_PASSWORD || 'admin-password';
const USER_PASSWORD = 'k6-password';
let adminToken = null;

export function intEnv(name, fallback) {
  const value = parseInt(__ENV[name] || '', 10);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

/** token: a user's; undefined: the admin's (signed in once per k6 context); null: none (public reads). */
function headers(token) {
  const bearer = token === undefined ? admin() : token;
  return bearer === null ? PARAMS.headers : Object.assign({ Authorization: `Bearer ${bearer}` }, PARAMS.headers);
}

export function post(path, body, step, token) {
  return http.post(`${BASE}${path}`, JSON.stringify(body), { headers: headers(token), tags: { step: step || 'setup' } });
}

export function put(path, body, step, token) {
  return http.put(`${BASE}${path}`, JSON.stringify(body), { headers: headers(token), tags: { step: step || 'setup' } });
}

export function get(path, step, token) {
  return http.get(`${BASE}${path}`, { headers: headers(token), tags: { step: step || 'verify' } });
}

function signIn(email, password) {
  return must(http.post(`${BASE}/auth/token`, JSON.stringify({ email, password }), Object.assign({}, PARAMS, { tags: { step: 'setup' } })),
    200, `POST /auth/token as ${email}`).accessToken;
}

export function admin() {
  if (adminToken === null) {
    adminToken = signIn(ADMIN_EMAIL, ADMIN_PASSWORD);
  }
  return adminToken;
}

export function must(res, status, what) {
  if (res.status !== status) {
    fail(`${what}: expected ${status}, got ${res.status} ${res.body}`);
  }
  return res.json();
}

/** Creates and signs in n users (100 per batch), each charged `charge` KRW in steps of at most 10,000,000; returns
 * [{ id, token }]. */
export function createUsers(n, prefix, charge) {
  const users = [];
  const setup = Object.assign({}, PARAMS, { tags: { step: 'setup' } });
  for (let start = 0; start < n; start += 100) {
    const emails = [];
    const requests = [];
    for (let i = start; i < Math.min(n, start + 100); i++) {
      const email = `k6-${prefix}-${RUN}-${i}@bench.example`;
      emails.push(email);
      requests.push(['POST', `${BASE}/users`, JSON.stringify({ name: `k6 ${prefix} ${i}`, email, password: USER_PASSWORD }), setup]);
    }
    const ids = http.batch(requests).map((res) => must(res, 201, 'POST /users').userId);
    const tokens = http.batch(emails.map((email) => ['POST', `${BASE}/auth/token`, JSON.stringify({ email, password: USER_PASSWORD }), setup]))
      .map((res) => must(res, 200, 'POST /auth/token').accessToken);
    ids.forEach((id, i) => users.push({ id, token: tokens[i] }));
  }
  for (const user of users) {
    for (let left = charge; left > 0; left -= 10000000) {
      must(post(`/users/${user.id}/balance/charge`, { amount: Math.min(left, 10000000) }, 'setup', user.token), 200, 'charge');
    }
  }
  return users;
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
