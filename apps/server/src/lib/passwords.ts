/** Password hashing (argon2id) and the strength rule shared by user creation, change and reset. */
import { hash, verify } from '@node-rs/argon2';

// Algorithm.Argon2id of @node-rs/argon2 (a const enum, which isolated modules cannot read).
const ARGON2ID = 2;

export interface Argon2Cost {
  memoryKiB: number;
  iterations: number;
}

export function hashPassword(password: string, cost: Argon2Cost): Promise<string> {
  return hash(password, {
    algorithm: ARGON2ID,
    memoryCost: cost.memoryKiB,
    timeCost: cost.iterations,
    parallelism: 1,
  });
}

export function verifyPassword(stored: string, password: string): Promise<boolean> {
  return verify(stored, password).catch(() => false);
}

/** ≥ 10 characters, at least three of lower case, upper case, digits and symbols, not containing the username. */
export function passwordProblem(password: string, username: string): string | undefined {
  if (password.length < 10) return 'must be at least 10 characters';
  if (password.length > 128) return 'must be at most 128 characters';
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^a-zA-Z\d]/].filter((re) => re.test(password)).length;
  if (classes < 3) return 'must mix at least three of: lower case, upper case, digits, symbols';
  if (username.length >= 3 && password.toLowerCase().includes(username.toLowerCase())) {
    return 'must not contain the username';
  }
  return undefined;
}
