import type { NextFunction, Request, Response } from 'express';

interface RequestRecord {
  method: string;
  path: string;
  /** `process.hrtime` in milliseconds, so that tests can prove two calls overlapped. */
  startedAt: number;
  endedAt?: number;
  status?: number;
  /** The W3C trace context the caller sent, if any: a traced relying party propagates one. */
  traceparent?: string;
}

export type RequestLog = ReturnType<typeof createRequestLog>;

const hrMs = (): number => Number(process.hrtime.bigint()) / 1e6;

/** Records every PingOne call (not the control surface itself) with its timing and status. */
export function createRequestLog(max = 5000) {
  let records: RequestRecord[] = [];
  return {
    middleware(req: Request, res: Response, next: NextFunction): void {
      if (req.path.startsWith('/__emulator/')) return next();
      const record: RequestRecord = { method: req.method, path: req.path, startedAt: hrMs() };
      const traceparent = req.get('traceparent');
      if (traceparent) record.traceparent = traceparent;
      records.push(record);
      if (records.length > max) records.shift();
      const end = (): void => {
        if (record.endedAt !== undefined) return;
        record.endedAt = hrMs();
        if (res.headersSent) record.status = res.statusCode;
      };
      res.on('finish', end);
      res.on('close', end);
      next();
    },
    list: (): RequestRecord[] => records.map((r) => ({ ...r })),
    clear(): void {
      records = [];
    },
  };
}
