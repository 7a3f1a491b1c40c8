// CSI (colours, cursor moves), OSC (titles, links) and two-character escapes.
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/** A command's output as the non-blank lines a user saw: no ANSI escapes, CR progress split, each trimmed. */
export function outputLines(output: string): string[] {
  return stripAnsi(output)
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim())
    .filter(Boolean);
}

// BuildKit echoes step headers and the Dockerfile around an error; that text is the user's, not an error.
const ECHO = /^(?:#\d+ \[[^\]]*\] |> \[[^\]]*\] |=> |\d+ \|(?: |$)|-{4,}$)/;

export function isEcho(line: string): boolean {
  return ECHO.test(line);
}
