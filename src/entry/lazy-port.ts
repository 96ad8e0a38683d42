/**
 * A port whose adapter is built on its first call: a Lambda pays for loading an AWS client only on the events
 * that use it (the `slack` function never loads EC2; a `warn` job loads neither EC2 nor the scheduler).
 * Only async methods are deferred; synchronous ones must be supplied up front in `eager`.
 * A failed build is retried on the next call.
 */
export function lazyPort<T extends object>(build: () => Promise<T>, eager: Partial<T> = {}): T {
  let instance: Promise<T> | undefined;
  const get = () => {
    instance ??= build().catch((e: unknown) => {
      instance = undefined;
      throw e;
    });
    return instance;
  };
  return new Proxy(eager as T, {
    get(target, property) {
      if (property in target) return Reflect.get(target, property);
      if (property === 'then') return undefined; // not a thenable: `await port` must not call build()
      return async (...args: unknown[]) => {
        const port = (await get()) as Record<PropertyKey, unknown>;
        const method = port[property];
        if (typeof method !== 'function')
          throw new TypeError(`${String(property)} is not a method of the port`);
        return method.apply(port, args);
      };
    },
  });
}
