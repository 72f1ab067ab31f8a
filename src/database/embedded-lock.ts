import fs from 'fs'

export class DataFolderInUse extends Error {}

interface Holder {
  pid: number
  command: string
  since: string
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0)
  } catch (error: any) {
    // EPERM: the process exists but belongs to someone else
    return error?.code === 'EPERM'
  }
  return !isZombie(pid)
}

/** A killed process that its parent has not reaped yet still answers signal 0, but holds nothing. */
const isZombie = (pid: number) => {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    return /^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2))
  } catch {
    // No /proc (not Linux), or the process is gone already
    return false
  }
}

const readHolder = (lockPath: string): Holder | undefined => {
  try {
    return JSON.parse(fs.readFileSync(lockPath, 'utf8'))
  } catch {
    return undefined
  }
}

const describe = (holder: Holder) => `${holder.command} (pid ${holder.pid}, since ${holder.since})`

/**
 * Removes a lock left by a process that was killed (or half-written by one). It is moved
 * aside first, atomically: if a racing process took the folder over in between, the
 * moved file is theirs and goes back.
 */
function removeStale(lockPath: string, stale: Holder | undefined) {
  const aside = `${lockPath}.${process.pid}`
  try {
    fs.renameSync(lockPath, aside)
  } catch (error: any) {
    if (error?.code === 'ENOENT') return
    throw error
  }
  const moved = readHolder(aside)
  if (moved && stale && moved.pid !== stale.pid) {
    try {
      fs.linkSync(aside, lockPath)
    } catch {
      // a third process holds it now; the loop reads it again
    }
  }
  fs.rmSync(aside, { force: true })
}

/**
 * PGlite is one PostgreSQL backend inside one process: two processes on one data folder
 * overwrite each other's pages and WAL. The first process to open a folder holds a lock
 * file beside it; a second is refused before it touches the folder. Written by hand
 * because the libraries for this judge staleness by age (a killed server would block
 * the next start until its lock aged out), while here the holder's pid says it at once:
 * the folder is local, so the pid is on this machine.
 */
export function lockDataFolder(dataDir: string, command = process.argv.slice(1).join(' ')): () => void {
  const lockPath = `${dataDir.replace(/[\\/]+$/, '')}.lock`
  const mine: Holder = { pid: process.pid, command: command || 'node', since: new Date().toISOString() }
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      // 'wx' creates the file only if it does not exist: of two racing processes, one wins
      fs.writeFileSync(lockPath, JSON.stringify(mine), { flag: 'wx' })
      let released = false
      const release = () => {
        if (released) return
        released = true
        if (readHolder(lockPath)?.pid === process.pid) fs.rmSync(lockPath, { force: true })
      }
      process.once('exit', release)
      return release
    } catch (error: any) {
      if (error?.code !== 'EEXIST') throw error
    }
    const holder = readHolder(lockPath)
    if (holder && holder.pid !== process.pid && isAlive(holder.pid)) {
      throw new DataFolderInUse(
        `The embedded database ${dataDir} is in use by ${describe(holder)}. ` +
          'It serves one process at a time: stop that process first, or set DATABASE_URL to use PostgreSQL, ' +
          'which any number of processes can share.'
      )
    }
    removeStale(lockPath, holder)
  }
  throw new DataFolderInUse(`Could not take the lock ${lockPath}: another process keeps taking it`)
}
