/**
 * dynalite 4 turns each Query and Scan into a stream over an abstract-level 3 iterator and, when the
 * stream ends, closes that iterator with `iterator.return()` — the async-iterator protocol's method,
 * which abstract-level 3 iterators do not have (they have `close()`). So every Query left an open
 * iterator behind, held by the database until it closed: in memory it pinned an old version of the
 * tree, on disk a LevelDB iterator pinned its memtable and files. Measured on this machine: 3,000
 * queries grew the process by ~60 MB on disk and ~25 MB of buffers in memory, and the 1,000-lifecycle
 * soak by ~800 MB.
 *
 * This gives the iterators of the abstract-level copy that dynalite loads a `return()` that closes them,
 * which is what the stream adapter expects. Idempotent; `close()` itself is idempotent.
 */
import { createRequire } from 'node:module';

interface ClosableIterator {
  close(): Promise<void>;
  return?: () => Promise<{ done: true; value: undefined }>;
}

type IteratorClass = { prototype: ClosableIterator };

let installed = false;

/** The iterator classes of the abstract-level module that dynalite (through level / memory-level) uses. */
function dynaliteIteratorClasses(): IteratorClass[] {
  const fromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
  const fromLevel = createRequire(fromDynalite.resolve('memory-level'));
  const abstractLevel = fromLevel('abstract-level') as Record<string, IteratorClass | undefined>;
  return ['AbstractIterator', 'AbstractKeyIterator', 'AbstractValueIterator']
    .map((name) => abstractLevel[name])
    .filter((c): c is IteratorClass => c !== undefined);
}

export function installDynaliteIteratorClose(): void {
  if (installed) return;
  installed = true;
  for (const cls of dynaliteIteratorClasses()) {
    if (typeof cls.prototype.return === 'function') continue; // a later abstract-level has its own
    cls.prototype.return = async function (this: ClosableIterator) {
      await this.close();
      return { done: true, value: undefined };
    };
  }
}
