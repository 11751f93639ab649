// Seed 001 test 1: N users (default 100) issue one first-come coupon of S (default 100) at once.
// k6 run -e BASE_URL=http://localhost:5000 -e USERS=100 -e STOCK=100 k6/coupon-issue.js
import http from 'k6/http';
import { check } from 'k6';
import { createCoupon, createUsers, get, intEnv, invariant, onceEach, post } from './lib.js';

const USERS = intEnv('USERS', 100);
const STOCK = intEnv('STOCK', 100);

export const options = {
  scenarios: { issue: onceEach(USERS) },
  setupTimeout: '120s',
  thresholds: {
    'http_req_duration{step:issue}': ['p(95)<200'],
    'http_req_failed{step:issue}': ['rate<0.01'],
    checks: ['rate==1.0'],
  },
};

// A sold-out 409 is an expected answer once S < N, not a failed request.
http.setResponseCallback(http.expectedStatuses(200, 201, 409));

export function setup() {
  return { users: createUsers(USERS, 'coupon', 0), couponId: createCoupon('k6 first come', 1000, STOCK) };
}

export default function (data) {
  const user = data.users[__VU - 1];
  const res = post(`/coupons/${data.couponId}/issue`, { userId: user.id }, 'issue', user.token);
  check(res, { 'issue is 201, or 409 once sold out': (r) => r.status === 201 || (r.status === 409 && r.json('code') === 'COUPON_SOLD_OUT') });
}

export function teardown(data) {
  invariant('coupon issuedQuantity == min(N,S)', Math.min(USERS, STOCK), get(`/coupons/${data.couponId}`, 'verify', null).json('issuedQuantity'));
}
