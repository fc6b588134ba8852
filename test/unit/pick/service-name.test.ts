import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/errors/index.js';
import { isValidServiceName, serviceNameProblems, validateServiceName } from '../../../src/pick/service-name.js';

const rules = (name: string) => serviceNameProblems(name).map((problem) => problem.rule);

describe('service names (RFC 6335 §5.1)', () => {
  it.each(['a', 'http', 'x11', 'ms-sql-s', 'A1', 'abcdefghijklmno', '3com-tsmux'])('accepts %j', (name) => {
    expect(serviceNameProblems(name)).toEqual([]);
    expect(isValidServiceName(name)).toBe(true);
    expect(validateServiceName(name)).toBe(name);
  });

  it('limits the length to 1-15 characters', () => {
    expect(rules('')).toEqual(['length']);
    expect(rules('abcdefghijklmnop')).toEqual(['length']);
    expect(serviceNameProblems('abcdefghijklmnop')[0]?.message).toBe('Expected 1 to 15 characters, got 16 in `abcdefghijklmnop`');
  });

  it('allows only letters, digits and hyphens, naming the bad characters', () => {
    expect(rules('whois++')).toEqual(['characters']);
    expect(serviceNameProblems('sql*net')[0]?.message).toContain('`*`');
    expect(serviceNameProblems('bmc_patroldb')[0]?.message).toContain('`_`');
    expect(serviceNameProblems('my app')[0]?.message).toContain('a space');
    expect(rules('café')).toEqual(['characters']);
  });

  it('needs at least one letter', () => {
    expect(rules('1234')).toEqual(['letter']);
    expect(rules('12-34')).toEqual(['letter']);
  });

  it('forbids hyphens at the ends and side by side', () => {
    expect(rules('-abc')).toEqual(['hyphen-ends']);
    expect(rules('abc-')).toEqual(['hyphen-ends']);
    expect(rules('ab--c')).toEqual(['hyphen-adjacent']);
  });

  it('lists every rule broken at once', () => {
    expect(rules('-1--2_3456789012-')).toEqual(['length', 'characters', 'letter', 'hyphen-ends', 'hyphen-adjacent']);
    const attempt = () => validateServiceName('-a--');
    expect(attempt).toThrow(InvalidArgumentError);
    expect(attempt).toThrow(/`-a--` is not a valid service name \(RFC 6335 §5\.1\): .*start or end.*side by side/);
  });
});
