/** Helpers shared by the service and host sections: env expansion and value rendering for messages. */

export function describe(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
}

/** `${VAR}` and `${VAR:-default}` in strings; an unset variable without a default is an error. */
export function expandEnv(text: string, env: NodeJS.ProcessEnv, where: string, problems: string[]): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (_m, name: string, dflt?: string) => {
    const value = env[name];
    if (value !== undefined && value !== '') return value;
    if (dflt !== undefined) return dflt;
    problems.push(
      `${where}: environment variable ${name} is not set (use \${${name}:-default} for a default)`,
    );
    return '';
  });
}

export function expandDeep(
  value: unknown,
  env: NodeJS.ProcessEnv,
  where: string,
  problems: string[],
): unknown {
  if (typeof value === 'string') return expandEnv(value, env, where, problems);
  if (Array.isArray(value)) return value.map((v) => expandDeep(v, env, where, problems));
  return value;
}
