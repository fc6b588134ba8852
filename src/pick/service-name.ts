import { InvalidArgumentError, describeValue } from '../errors/index.js';

/**
 * Service-name syntax of RFC 6335 §5.1: 1-15 characters; only US-ASCII
 * letters, digits and hyphens; at least one letter; no hyphen at either end;
 * no two hyphens side by side. Names compare case-insensitively.
 */

export type ServiceNameRule = 'length' | 'characters' | 'letter' | 'hyphen-ends' | 'hyphen-adjacent';

export interface ServiceNameProblem {
  rule: ServiceNameRule;
  message: string;
}

export const SERVICE_NAME_MAX_LENGTH = 15;

/** Every rule the name breaks, in the order above; empty when the name is valid. */
export function serviceNameProblems(name: string): ServiceNameProblem[] {
  if (typeof name !== 'string') {
    return [{ rule: 'characters', message: `Expected a service name (text), got ${describeValue(name)}` }];
  }
  const problems: ServiceNameProblem[] = [];
  const shown = `\`${name}\``;
  if (name.length < 1 || name.length > SERVICE_NAME_MAX_LENGTH) {
    problems.push({
      rule: 'length',
      message: `Expected 1 to ${SERVICE_NAME_MAX_LENGTH} characters, got ${name.length} in ${shown}`,
    });
  }
  const bad = [...new Set(name.match(/[^A-Za-z0-9-]/gu) ?? [])];
  if (bad.length > 0) {
    problems.push({
      rule: 'characters',
      message: `Expected only letters A-Z/a-z, digits and hyphens, got ${bad.map(showChar).join(', ')} in ${shown}`,
    });
  }
  if (name.length > 0 && !/[A-Za-z]/.test(name)) {
    problems.push({ rule: 'letter', message: `Expected at least one letter, got none in ${shown}` });
  }
  if (name.startsWith('-') || name.endsWith('-')) {
    problems.push({ rule: 'hyphen-ends', message: `Expected no hyphen at the start or end, got ${shown}` });
  }
  if (name.includes('--')) {
    problems.push({ rule: 'hyphen-adjacent', message: `Expected no two hyphens side by side, got ${shown}` });
  }
  return problems;
}

export function isValidServiceName(name: string): boolean {
  return serviceNameProblems(name).length === 0;
}

/**
 * Returns the name unchanged when valid; otherwise throws an
 * InvalidArgumentError whose message lists every broken rule.
 */
export function validateServiceName(name: string): string {
  const problems = serviceNameProblems(name);
  if (problems.length > 0) {
    const shown = typeof name === 'string' ? `\`${name}\`` : describeValue(name);
    throw new InvalidArgumentError(
      `${shown} is not a valid service name (RFC 6335 §5.1): ${problems.map((problem) => problem.message).join('; ')}`,
    );
  }
  return name;
}

function showChar(char: string): string {
  if (char === ' ') return 'a space';
  const code = char.codePointAt(0) ?? 0;
  return code < 0x20 || code === 0x7f ? `U+${code.toString(16).toUpperCase().padStart(4, '0')}` : `\`${char}\``;
}
