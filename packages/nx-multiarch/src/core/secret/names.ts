import { redactText } from '../network/proxy';

// Name parts that mark a value as a credential: DB_PASSWORD, GITHUB_TOKEN, OPENAI_API_KEY, JWT_SECRET...
const SECRET_NAME =
  /(^|_)(PASSWORD|PASSWD|PASSPHRASE|PWD|SECRET|SECRETS|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|SECRET_?KEY|CREDENTIALS?|AUTH)(_|$)/i;

export const REDACTED = '***';

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** argv fit for a log: values of secret-named build args hidden, credentials stripped from URLs. */
export function redactArgv(argv: readonly string[]): string[] {
  return argv.map((arg, index) => {
    if (argv[index - 1] === '--build-arg') {
      const eq = arg.indexOf('=');
      if (eq > 0 && isSecretName(arg.slice(0, eq))) return `${arg.slice(0, eq)}=${REDACTED}`;
    }
    return redactText(arg);
  });
}
