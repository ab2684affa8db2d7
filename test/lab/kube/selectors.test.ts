import { describe, expect, it } from 'vitest';
import { KubeStatusError } from '../../../lab/kube/errors.js';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector, selectorMatches, mapSelectorMatches } from '../../../lab/kube/selectors.js';
import { makePod } from '../../../lab/kube/makers.js';

const labels = { app: 'web', tier: 'front', rev: '3' };
const sel = (s: string) => matchesLabels(parseLabelSelector(s), labels);

describe('label selectors', () => {
  it('handles equality, inequality, sets, existence and numeric comparisons', () => {
    expect(sel('')).toBe(true);
    expect(sel('app=web')).toBe(true);
    expect(sel('app==web,tier=front')).toBe(true);
    expect(sel('app!=web')).toBe(false);
    expect(sel('missing!=x')).toBe(true);
    expect(sel('app in (web, api)')).toBe(true);
    expect(sel('app in (api)')).toBe(false);
    expect(sel('app notin (api,db)')).toBe(true);
    expect(sel('missing notin (a)')).toBe(true);
    expect(sel('tier')).toBe(true);
    expect(sel('!tier')).toBe(false);
    expect(sel('!missing')).toBe(true);
    expect(sel('rev>2,rev<4')).toBe(true);
    expect(sel('app in (web,api),!missing,tier=front')).toBe(true);
  });

  it('rejects unparsable requirements with a 400', () => {
    expect(() => parseLabelSelector('app in web')).toThrow(KubeStatusError);
    try {
      parseLabelSelector('a=b=c');
    } catch (e) {
      expect((e as KubeStatusError).code).toBe(400);
    }
  });

  it('matches LabelSelector objects: nil selects nothing, {} everything, expressions apply', () => {
    expect(selectorMatches(undefined, labels)).toBe(false);
    expect(selectorMatches({}, labels)).toBe(true);
    expect(selectorMatches({ matchLabels: { app: 'web' } }, labels)).toBe(true);
    expect(selectorMatches({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['front'] }] }, labels)).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'rev', operator: 'Exists' }, { key: 'x', operator: 'DoesNotExist' }] }, labels)).toBe(true);
  });

  it('treats an empty Service selector as selecting nothing', () => {
    expect(mapSelectorMatches({}, labels)).toBe(false);
    expect(mapSelectorMatches({ app: 'web' }, labels)).toBe(true);
  });
});

describe('field selectors', () => {
  const pod = makePod({ name: 'p1', namespace: 'web', nodeName: 'n1' });
  const fields = ['spec.nodeName', 'status.phase'];
  const fsel = (s: string) => matchesFields(parseFieldSelector(s, fields), pod);

  it('supports =, == and != on the allowed fields plus metadata.name/namespace', () => {
    expect(fsel('spec.nodeName=n1')).toBe(true);
    expect(fsel('spec.nodeName==n2')).toBe(false);
    expect(fsel('spec.nodeName!=n2,status.phase=Running')).toBe(true);
    expect(fsel('metadata.name=p1,metadata.namespace=web')).toBe(true);
    expect(fsel('status.phase!=Running')).toBe(false);
  });

  it('rejects unsupported field labels like the apiserver', () => {
    expect(() => parseFieldSelector('spec.foo=x', fields)).toThrow(/field label not supported: spec.foo/);
  });
});
