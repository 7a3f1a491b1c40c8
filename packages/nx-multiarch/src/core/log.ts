/** Where operations print their lines; the Nx face passes Nx's logger, specs pass a recorder. */
export interface Log {
  info(line: string): void;
  warn(line: string): void;
  error(line: string): void;
}
