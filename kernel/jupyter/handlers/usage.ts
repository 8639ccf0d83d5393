import * as os from 'os';
import type { MessageHandler } from './context';

/** The previous CPU sample: usage_reply's kernel_cpu is the percentage since the last request. */
let last: { cpu: NodeJS.CpuUsage; at: number; host: { idle: number; total: number } } | undefined;

function hostTimes(): { idle: number; total: number } {
  let idle = 0;
  let total = 0;
  for (const c of os.cpus()) {
    idle += c.times.idle;
    total += c.times.user + c.times.nice + c.times.sys + c.times.idle + c.times.irq;
  }
  return { idle, total };
}

/**
 * usage_request (control; jupyter-resource-usage's kernel panel): the reply has ipykernel's
 * shape: hostname, pid, kernel_cpu (percent of one CPU since the previous request), kernel_memory
 * (RSS bytes: the Lua VM runs in a worker thread of this process), host_cpu_percent, cpu_count and
 * host_virtual_memory (total, available, percent, used, free).
 */
export const usage: MessageHandler = (ctx) => {
  const now = { cpu: process.cpuUsage(), at: performance.now(), host: hostTimes() };
  let kernelCpu = 0;
  let hostCpu: number | undefined;
  if (last) {
    const used = now.cpu.user - last.cpu.user + (now.cpu.system - last.cpu.system);
    const wallUs = (now.at - last.at) * 1000;
    kernelCpu = wallUs > 0 ? Math.round((1000 * used) / wallUs) / 10 : 0;
    const total = now.host.total - last.host.total;
    if (total > 0) hostCpu = Math.round((1000 * (total - (now.host.idle - last.host.idle))) / total) / 10;
  }
  last = now;
  const total = os.totalmem();
  const free = os.freemem();
  ctx.reply('usage_reply', {
    hostname: os.hostname(),
    pid: process.pid,
    kernel_cpu: kernelCpu,
    kernel_memory: process.memoryUsage().rss,
    ...(hostCpu !== undefined && hostCpu > 0 ? { host_cpu_percent: hostCpu } : {}),
    cpu_count: os.cpus().length,
    host_virtual_memory: {
      total,
      available: free,
      percent: Math.round((1000 * (total - free)) / total) / 10,
      used: total - free,
      free,
    },
  });
};
