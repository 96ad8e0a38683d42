/** Named fault points a test can arm: the next call through that point throws. */
export class Faults {
  private readonly armed = new Map<string, Error>();

  arm(point: string, error: Error = new Error(`injected fault at ${point}`)): void {
    this.armed.set(point, error);
  }

  /** Throws once if `point` is armed. */
  check(point: string): void {
    const error = this.armed.get(point);
    if (error) {
      this.armed.delete(point);
      throw error;
    }
  }
}
