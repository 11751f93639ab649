// Issue 14.5: a coupon of S (default 1,000) behind a waiting room admitting USERS/10 a second; USERS (default
// 10,000) take a token at once, poll until admitted, then issue the coupon with the Queue-Token header.
// k6 run -e BASE_URL=http://localhost:5000 -e USERS=10000 -e STOCK=1000 k6/waiting-room.js
import http from 'k6/http';
import { check, sleep } from 'k6';
import { BASE, admin, createCoupon, createUsers, get, intEnv, invariant, must, post } from './lib.js';

const USERS = intEnv('USERS', 10000);
const STOCK = intEnv('STOCK', 1000);
const PER_INTERVAL = Math.max(1, Math.floor(USERS / 10));
const INTERVAL_SECONDS = 1;

export const options = {
  scenarios: { room: { executor: 'per-vu-iterations', vus: USERS, iterations: 1, maxDuration: '180s' } },
  setupTimeout: '600s',
  thresholds: {
    'http_req_duration{step:token}': ['p(95)<200'],
    'http_req_failed{step:token}': ['rate<0.01'],
    checks: ['rate==1.0'],
  },
};

// Sold out (409) is expected once S < admitted.
http.setResponseCallback(http.expectedStatuses(200, 201, 204, 409));

function adminCall(method, path, body) {
  const params = { headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${admin()}` }, tags: { step: 'setup' } };
  return http.request(method, `${BASE}${path}`, body === null ? null : JSON.stringify(body), params);
}

export function setup() {
  const couponId = createCoupon('k6 queued', 1000, STOCK);
  must(adminCall('PUT', `/admin/queues/coupons/${couponId}`, { admitPerInterval: PER_INTERVAL, interval: INTERVAL_SECONDS, admissionWindow: 600 }),
    200, 'PUT /admin/queues');
  return { users: createUsers(USERS, 'queue', 0), couponId };
}

export default function (data) {
  const user = data.users[__VU - 1];
  const taken = post(`/queues/coupons/${data.couponId}/tokens`, {}, 'token', user.token);
  if (!check(taken, { 'token is 201': (r) => r.status === 201 })) {
    return;
  }
  const token = taken.json('token');
  for (;;) {
    const poll = get(`/queues/coupons/${data.couponId}/tokens/${token}`, 'poll', user.token);
    if (!check(poll, { 'poll is 200': (r) => r.status === 200 }) || poll.json('status') !== 'WAITING') {
      break;
    }
    sleep(INTERVAL_SECONDS * Math.floor(poll.json('waitingAhead') / PER_INTERVAL) + INTERVAL_SECONDS / 4);
  }
  const params = { headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${user.token}`, 'Queue-Token': token }, tags: { step: 'issue' } };
  const issued = http.post(`${BASE}/coupons/${data.couponId}/issue`, JSON.stringify({ userId: user.id }), params);
  check(issued, { 'issue is 201, or 409 once sold out': (r) => r.status === 201 || (r.status === 409 && r.json('code') === 'COUPON_SOLD_OUT') });
}

export function teardown(data) {
  const room = must(adminCall('GET', `/admin/queues/coupons/${data.couponId}`, null), 200, 'GET /admin/queues');
  invariant('room tokens == N', USERS, room.tokens);
  invariant('no boundary admits more than N/10', 0, room.admissions.filter((a) => a.count > PER_INTERVAL).length);
  invariant('coupon issuedQuantity == min(S, admitted)', Math.min(STOCK, room.admitted),
    get(`/coupons/${data.couponId}`, 'verify', null).json('issuedQuantity'));
  adminCall('DELETE', `/admin/queues/coupons/${data.couponId}`, null);
}
