// dynalite ships no types; this is the part of its API that local-dynalite.ts uses.
declare module 'dynalite' {
  interface DynaliteOptions {
    /** LevelDB directory; in memory when absent. */
    path?: string;
    /** How long a new table stays CREATING (default 500). */
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    maxItemSizeKb?: number;
  }
  function dynalite(options?: DynaliteOptions): import('node:http').Server;
  export default dynalite;
}
