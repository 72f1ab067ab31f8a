import fs from 'fs'
import path from 'path'
import { ConfigurationError, configurationValidator } from './configuration'

interface SettingError {
  instancePath?: string
  message?: string
  params?: { missingProperty?: string; allowedValue?: unknown }
}

type EnvironmentNames = { [key: string]: string | { __name?: string } | EnvironmentNames }

/** The environment variables config/custom-environment-variables.json maps to settings. */
function environmentNames(): EnvironmentNames {
  const folder = process.env.NODE_CONFIG_DIR ?? path.join(process.cwd(), 'config')
  try {
    return JSON.parse(fs.readFileSync(path.join(folder, 'custom-environment-variables.json'), 'utf8'))
  } catch {
    return {}
  }
}

/** The variable that sets `keys` (e.g. ['port'] → PORT) and the format it is read as, if the mapping names one. */
function variableOf(keys: string[], names: EnvironmentNames): { name?: string; format?: string } {
  let node: unknown = names
  for (const key of keys) node = (node as Record<string, unknown> | undefined)?.[key]
  if (typeof node === 'string') return { name: node }
  const { __name, __format } = (node ?? {}) as { __name?: unknown; __format?: unknown }
  return {
    name: typeof __name === 'string' ? __name : undefined,
    format: typeof __format === 'string' ? __format : undefined
  }
}

const valueAt = (settings: unknown, keys: string[]) =>
  keys.reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], settings)

/**
 * Checks the settings before anything starts, and says what is wrong in one line: which
 * setting, the value it got, the rule it breaks and where to fix it. Feathers' own check
 * runs at setup and only says "validation failed", after the database was migrated.
 */
export async function requireValidConfiguration(settings: object) {
  try {
    await configurationValidator(settings)
  } catch (error: unknown) {
    const failures: SettingError[] =
      (error as { errors?: SettingError[]; data?: SettingError[] }).errors ??
      (error as { data?: SettingError[] }).data ??
      []
    const first = failures[0]
    if (!first) throw error
    const keys = (first.instancePath ?? '').split('/').filter(Boolean)
    if (first.params?.missingProperty) keys.push(first.params.missingProperty)
    const setting = keys.join('.') || 'the settings'
    const { name: variable, format } = variableOf(keys, environmentNames())
    // A variable the loader could not read as its format (PORT=abc) leaves the setting unset
    const given = variable === undefined ? undefined : process.env[variable]
    const value =
      given !== undefined
        ? `${variable}=${JSON.stringify(given)}`
        : (JSON.stringify(valueAt(settings, keys)) ?? 'unset')
    // A choice among constants fails once per constant: name them all
    const allowed = failures
      .filter(
        (failure) => failure.instancePath === first.instancePath && 'allowedValue' in (failure.params ?? {})
      )
      .map((failure) => JSON.stringify(failure.params!.allowedValue))
    const rule = allowed.length
      ? `must be one of ${allowed.join(', ')}`
      : first.params?.missingProperty && given !== undefined
        ? `could not be read as a ${format ?? 'value'}`
        : (first.message ?? 'is invalid')
    const fix = variable
      ? `set ${variable} (or ${setting} in config/) to a valid value`
      : `fix ${setting} in config/`
    throw new ConfigurationError(
      `The setting ${setting}${variable ? ` (${variable})` : ''} is ${value}: it ${rule}; ${fix}`
    )
  }
}
