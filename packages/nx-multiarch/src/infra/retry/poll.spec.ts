import { type Look, poll } from './poll';

const ready = <T>(value: T): Look<T, never> => ({ ready: true, value });
const pending = <P>(why: P): Look<never, P> => ({ ready: false, pending: why });

/** A clock that moves only when the poll sleeps, so every pause and deadline is exact. */
function fakeClock() {
  let now = 1_000_000;
  const sleeps: number[] = [];
  jest.spyOn(Date, 'now').mockImplementation(() => now);
  return {
    sleeps,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    advance: (ms: number) => {
      now += ms;
    },
  };
}

afterEach(() => jest.restoreAllMocks());

describe('poll', () => {
  it('returns at once what the first look finds, without pausing or telling anyone it waits', async () => {
    const clock = fakeClock();
    const onWait = jest.fn();
    const look = jest.fn(() => ready('here'));
    await expect(
      poll(look, () => new Error('never'), { timeoutMs: 5_000, intervalMs: 100, onWait, sleep: clock.sleep }),
    ).resolves.toBe('here');
    expect(look).toHaveBeenCalledTimes(1);
    expect(clock.sleeps).toEqual([]);
    expect(onWait).not.toHaveBeenCalled();
  });

  it('looks again after each pause until the value is there, and says once that it waits', async () => {
    const clock = fakeClock();
    const onWait = jest.fn();
    const answers: Array<Look<number, string>> = [pending('not yet'), pending('still not'), ready(42)];
    const look = jest.fn(async () => answers.shift() as Look<number, string>);
    await expect(
      poll(look, () => new Error('never'), { timeoutMs: 5_000, intervalMs: 100, onWait, sleep: clock.sleep }),
    ).resolves.toBe(42);
    expect(look).toHaveBeenCalledTimes(3);
    expect(clock.sleeps).toEqual([100, 100]);
    expect(onWait).toHaveBeenCalledTimes(1);
  });

  it('cuts the last pause short at the deadline, looks once more there, then throws from what that look found', async () => {
    const clock = fakeClock();
    let looks = 0;
    const look = () => pending(`look ${++looks}`);
    const error = await poll(look, (why) => new Error(`gave up: ${why}`), {
      timeoutMs: 250,
      intervalMs: 100,
      sleep: clock.sleep,
    }).catch((e: unknown) => e);
    expect(error).toEqual(new Error('gave up: look 4'));
    expect(clock.sleeps).toEqual([100, 100, 50]);
  });

  it('with no time left looks exactly once and throws, without pausing', async () => {
    const clock = fakeClock();
    const onWait = jest.fn();
    const look = jest.fn(() => pending(['a', 'b']));
    await expect(
      poll(look, (why) => new Error(why.join('; ')), { timeoutMs: 0, intervalMs: 100, onWait, sleep: clock.sleep }),
    ).rejects.toThrow('a; b');
    expect(look).toHaveBeenCalledTimes(1);
    expect(clock.sleeps).toEqual([]);
    expect(onWait).not.toHaveBeenCalled();
  });

  it('counts the time a slow look takes against the deadline', async () => {
    const clock = fakeClock();
    const look = jest.fn(() => {
      clock.advance(80);
      return pending('slow');
    });
    await expect(
      poll(look, () => new Error('too slow'), { timeoutMs: 200, intervalMs: 100, sleep: clock.sleep }),
    ).rejects.toThrow('too slow');
    // The first look ends at 80 ms, the pause takes it to 180, the second look ends past the deadline at 260.
    expect(clock.sleeps).toEqual([100]);
    expect(look).toHaveBeenCalledTimes(2);
  });

  it('lets an error a look throws through, without looking again', async () => {
    const clock = fakeClock();
    const look = jest.fn(() => Promise.reject(new Error('registry down')));
    await expect(
      poll(look, () => new Error('never'), { timeoutMs: 5_000, intervalMs: 100, sleep: clock.sleep }),
    ).rejects.toThrow('registry down');
    expect(look).toHaveBeenCalledTimes(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('pauses with real timers when no sleep is given', async () => {
    let looks = 0;
    const started = Date.now();
    const value = await poll(
      () => (++looks < 3 ? pending(looks) : ready(looks)),
      () => new Error('never'),
      {
        timeoutMs: 5_000,
        intervalMs: 10,
      },
    );
    expect(value).toBe(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(15);
  });
});
