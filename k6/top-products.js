// Seed 001's top-5 read (issue 4's ranking): N reads (default 1,000) from 100 VUs.
// k6 run -e BASE_URL=http://localhost:5000 -e USERS=1000 k6/top-products.js
import { check, fail } from 'k6';
import { get, intEnv } from './lib.js';

const READS = intEnv('USERS', 1000);

export const options = {
  scenarios: { reads: { executor: 'shared-iterations', vus: Math.min(READS, 100), iterations: READS, maxDuration: '60s' } },
  thresholds: {
    http_req_duration: ['p(95)<200'],
    http_req_failed: ['rate<0.01'],
    checks: ['rate==1.0'],
  },
};

export function setup() {
  const probe = get('/products/top?days=3&limit=5', 'setup', null);
  if (probe.status !== 200) {
    fail(`GET /products/top answers ${probe.status}: the ranking endpoint is not on this server`);
  }
}

export default function () {
  check(get('/products/top?days=3&limit=5', 'top', null), {
    'top is 200': (r) => r.status === 200,
    'at most 5 ranked entries': (r) => r.status === 200 && r.json().length <= 5 && r.json().every((e, i) => e.rank === i + 1),
  });
}
