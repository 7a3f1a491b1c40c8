import { mapBounded } from './pool';

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every pending promise callback run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** An fn whose calls wait until the test finishes them, tracking how many are in flight. */
function controlled<T>() {
  const pending = new Map<T, Deferred<string>>();
  const started: T[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const fn = async (item: T) => {
    started.push(item);
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const d = deferred<string>();
    pending.set(item, d);
    try {
      return await d.promise;
    } finally {
      inFlight -= 1;
    }
  };
  const finish = async (item: T) => {
    (pending.get(item) as Deferred<string>).resolve(`done ${item}`);
    await settle();
  };
  return {
    fn,
    finish,
    started,
    inFlight: () => inFlight,
    maxInFlight: () => maxInFlight,
    fail: (item: T, error: unknown) => (pending.get(item) as Deferred<string>).reject(error),
  };
}

describe('mapBounded', () => {
  it('keeps the order of the items whatever order the calls finish in', async () => {
    const c = controlled<number>();
    const result = mapBounded([1, 2, 3, 4, 5], 2, c.fn);
    await settle();
    for (const item of [2, 1, 4, 3, 5]) await c.finish(item);
    await expect(result).resolves.toEqual(['done 1', 'done 2', 'done 3', 'done 4', 'done 5']);
  });

  it('never has more than the limit in flight, and starts the next item as soon as one finishes', async () => {
    const c = controlled<string>();
    const result = mapBounded(['a', 'b', 'c', 'd', 'e'], 2, c.fn);
    await settle();
    expect(c.started).toEqual(['a', 'b']);
    expect(c.inFlight()).toBe(2);
    await c.finish('b');
    expect(c.started).toEqual(['a', 'b', 'c']);
    expect(c.inFlight()).toBe(2);
    await c.finish('c');
    await c.finish('a');
    expect(c.started).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(c.inFlight()).toBe(2);
    await c.finish('e');
    await c.finish('d');
    await expect(result).resolves.toEqual(['done a', 'done b', 'done c', 'done d', 'done e']);
    expect(c.maxInFlight()).toBe(2);
    expect(c.inFlight()).toBe(0);
  });

  it('returns an empty array for no items, without calling fn', async () => {
    const fn = jest.fn(async (item: number) => item);
    await expect(mapBounded([], 4, fn)).resolves.toEqual([]);
    expect(fn).not.toHaveBeenCalled();
  });

  it('starts every item at once when the limit is larger than the items', async () => {
    const c = controlled<number>();
    const result = mapBounded([1, 2, 3], 10, c.fn);
    await settle();
    expect(c.started).toEqual([1, 2, 3]);
    expect(c.inFlight()).toBe(3);
    await c.finish(3);
    await c.finish(1);
    await c.finish(2);
    await expect(result).resolves.toEqual(['done 1', 'done 2', 'done 3']);
  });

  it('runs one at a time with a limit of 1', async () => {
    const c = controlled<number>();
    const result = mapBounded([1, 2, 3], 1, c.fn);
    await settle();
    expect(c.started).toEqual([1]);
    await c.finish(1);
    expect(c.started).toEqual([1, 2]);
    await c.finish(2);
    await c.finish(3);
    await expect(result).resolves.toEqual(['done 1', 'done 2', 'done 3']);
    expect(c.maxInFlight()).toBe(1);
  });

  it('rejects with the error of a rejected call and hands out no further items', async () => {
    const c = controlled<number>();
    const result = mapBounded([1, 2, 3], 1, c.fn);
    await settle();
    await c.finish(1);
    const error = new Error('not reported in the result');
    c.fail(2, error);
    await expect(result).rejects.toBe(error);
    await settle();
    expect(c.started).toEqual([1, 2]);
  });
});
