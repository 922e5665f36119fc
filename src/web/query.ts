/** Reading a route's query parameters: a missing or malformed one is the client's mistake (400). */
import { RequestError } from './http_errors.js';

export function integerParam(query: URLSearchParams, name: string, min: number, max: number): number {
  const value = query.get(name);
  if (value === null || !/^\d{1,9}$/.test(value) || Number(value) < min || Number(value) > max) throw new RequestError(400, `query parameter '${name}' must be an integer from ${min} to ${max}, got ${value === null ? 'nothing' : JSON.stringify(value.slice(0, 40))}`);
  return Number(value);
}

export function choiceParam<T extends string>(query: URLSearchParams, name: string, choices: readonly T[], fallback?: T): T {
  const value = query.get(name);
  if (value === null && fallback !== undefined) return fallback;
  if (value === null || !(choices as readonly string[]).includes(value)) throw new RequestError(400, `query parameter '${name}' must be one of ${choices.join(', ')}, got ${value === null ? 'nothing' : JSON.stringify(value.slice(0, 40))}`);
  return value as T;
}

export function stringParam(query: URLSearchParams, name: string, maxLength: number): string {
  const value = query.get(name);
  if (value === null || value === '' || value.length > maxLength) throw new RequestError(400, `query parameter '${name}' must be a string of 1 to ${maxLength} characters`);
  return value;
}
