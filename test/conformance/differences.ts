// Cases where tsplay deliberately differs from ansible-core, each with the reason and
// what tsplay does instead (asserted, so the difference itself is tested).
import { expect } from 'vitest';

export interface Difference {
  reason: string;
  check(r: { rc: number; out: string[]; err: string[] }): void;
}

const rejectedAtValidation = (code: string) => (r: { rc: number; out: string[]; err: string[] }) => {
  expect(r.rc).toBe(4);
  expect(r.err.join('\n')).toContain(`error[${code}]`);
  expect(r.out.filter((l) => l.includes('"type":"result"'))).toEqual([]);
};

export const DIFFERENCES: Record<string, Difference> = {
  e03_bad_order__plain: {
    reason: 'an invalid order: is rejected at validation (exit 5, nothing runs); ansible-playbook runs the plays before it first',
    check: (r) => {
      expect(r.rc).toBe(5);
      expect(r.err.join('\n')).toContain('error[bad-value]');
      expect(r.out.filter((l) => l.includes('"type":"result"'))).toEqual([]);
    },
  },
  e05_missing_playbook_and_options__i_does_not_exist_ini: {
    reason: 'a missing inventory source is an error (exit 4); ansible-playbook only warns and runs against an empty inventory',
    check: (r) => {
      expect(r.rc).toBe(4);
      expect(r.err.join('\n')).toContain('error[missing-file]');
    },
  },
  inc08_include_in_block_rescue__plain: {
    reason: 'a literal include_tasks of a missing file is a validation error (exit 4, nothing runs); ansible fails it at run time where a rescue can catch it',
    check: rejectedAtValidation('missing-file'),
  },
};
