import { retryAfterSeconds } from './retry-after';

describe('retryAfterSeconds', () => {
  test.each<[string, number | undefined]>([
    ['retry-after: 316.890478ms', 0.317],
    ['Retry-After: 120', 120],
    ['retry-after: 1h', 3600],
    ['retry-after: 1.5s', 1.5],
    ['"Retry-After": "30"', 30],
    ['toomanyrequests', undefined],
  ])('retryAfterSeconds(%j)', (text, seconds) => {
    expect(retryAfterSeconds(text)).toBe(seconds);
  });

  test.each<[string, string, number]>([
    ['a compound Go duration', 'retry-after: 1m30s', 90],
    ['microseconds, rounded up to the millisecond', 'retry-after: 1500us', 0.002],
    ['the last one in the text', 'Retry-After: 5\nretry-after: 7s', 7],
  ])('%s', (_, text, seconds) => {
    expect(retryAfterSeconds(text)).toBe(seconds);
  });
});
