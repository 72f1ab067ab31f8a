/**
 * What the opt-in scenarios share besides ./options: flags, rounding, and the CPU time
 * and memory of a process as the kernel counts them (so that the figures need no
 * cooperation of the process).
 */
import { execFileSync } from 'child_process'
import fs from 'fs'
import { percentile } from './options'

export const flag = (name: string) => process.argv.includes(`--${name}`)

export const round = (value: number, digits = 2) => +value.toFixed(digits)

/** p50, p99 and max of a list of milliseconds. */
export const spread = (ms: number[]) => ({
  p50_ms: percentile(ms, 50),
  p99_ms: percentile(ms, 99),
  max_ms: round(Math.max(...ms), 1)
})

let ticksPerSecond = 0

/** user + system CPU time of one process so far, in microseconds (from /proc/<pid>/stat). */
export function cpuMicros(pid: number): number {
  if (!ticksPerSecond)
    ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
  // Fields after the command name, which may hold spaces: utime and stime are the 12th and 13th
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / ticksPerSecond
}

/** Resident memory of a process, in bytes (from /proc/<pid>/status). */
export function rssBytes(pid: number): number {
  const line = fs
    .readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((row) => row.startsWith('VmRSS:'))
  return Number(line?.match(/\d+/)?.[0] ?? NaN) * 1024
}
