import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (100 on Linux almost always). */
const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

export interface ProcSample {
  /** User + system CPU time of the process so far. */
  cpuMs: number;
  rssBytes: number;
  /** Peak RSS so far (VmHWM). */
  peakRssBytes: number;
}

/**
 * CPU and memory of another process, read from /proc: the app and the emulator need no hooks
 * to be measured. Linux only.
 */
export function sampleProcess(pid: number): ProcSample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) =>
    Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return {
    cpuMs: ((utime + stime) * 1000) / CLK_TCK,
    rssBytes: kb('VmRSS'),
    peakRssBytes: kb('VmHWM'),
  };
}

/** This process, with the finer process.cpuUsage(). */
export function sampleSelf(): ProcSample {
  const cpu = process.cpuUsage();
  const self = sampleProcess(process.pid);
  return { ...self, cpuMs: (cpu.user + cpu.system) / 1000 };
}

function cpuTimes(): { busy: number; total: number } {
  // The first line of /proc/stat: the whole machine's ticks (user nice system idle iowait …).
  const ticks = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1);
  const values = ticks.map(Number);
  const total = values.reduce((sum, n) => sum + n, 0);
  return { busy: total - values[3]! - (values[4] ?? 0), total };
}

/**
 * The share of the machine's CPU (0 to 1) other work used over the last `ms`. The load average
 * lags by a minute, so right after a previous run it calls a quiet machine busy.
 */
export async function machineBusy(ms = 500): Promise<number> {
  const before = cpuTimes();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = cpuTimes();
  const total = after.total - before.total;
  return total > 0 ? (after.busy - before.busy) / total : 0;
}
