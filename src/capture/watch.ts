/**
 * The clocks a URL capture runs against (issue 12: time-outs): an overall limit, an idle limit (no
 * bytes for so long) and the caller's AbortSignal, folded into one signal whose reason is a
 * CaptureFailed a person can read. Each request and tool run is given `signal`.
 */
import { CaptureFailed } from './capture-error.js';

export type WatchLimits = {
  /** The whole capture, redirects and yt-dlp included (CAPTURE_TIMEOUT_SECONDS). */
  timeoutMs: number;
  /** How long the source may send nothing before the capture gives up. */
  idleTimeoutMs: number;
  signal?: AbortSignal;
};

export class Watch {
  private readonly controller = new AbortController();
  private readonly overall: NodeJS.Timeout;
  private idle: NodeJS.Timeout | undefined;
  private idleHeld = false;
  private readonly onCallerAbort = () => this.stop(new CaptureFailed('The capture was cancelled'));

  constructor(private readonly limits: WatchLimits) {
    this.overall = setTimeout(() => this.stop(new CaptureFailed(`Timed out after ${seconds(limits.timeoutMs)}`)), limits.timeoutMs);
    limits.signal?.addEventListener('abort', this.onCallerAbort, { once: true });
    if (limits.signal?.aborted) this.onCallerAbort();
    this.touch();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Why the capture was stopped, or undefined while it runs. */
  get reason(): CaptureFailed | undefined {
    return this.controller.signal.aborted ? (this.controller.signal.reason as CaptureFailed) : undefined;
  }

  /** Bytes arrived: the idle clock starts again. */
  touch(): void {
    clearTimeout(this.idle);
    if (this.controller.signal.aborted || this.idleHeld) return;
    this.idle = setTimeout(
      () => this.stop(new CaptureFailed(`No data arrived for ${seconds(this.limits.idleTimeoutMs)}`)),
      this.limits.idleTimeoutMs,
    );
  }

  /**
   * Stops the idle clock while `work` runs, for a tool that keeps its own (yt-dlp's
   * `--socket-timeout`) and may be silent for long while it works offline (merging formats).
   * The overall clock still runs.
   */
  async holdingIdle<R>(work: () => Promise<R>): Promise<R> {
    this.idleHeld = true;
    clearTimeout(this.idle);
    try {
      return await work();
    } finally {
      this.idleHeld = false;
      this.touch();
    }
  }

  /** Stops the clocks; a capture that ended must not be aborted later. */
  dispose(): void {
    clearTimeout(this.overall);
    clearTimeout(this.idle);
    this.limits.signal?.removeEventListener('abort', this.onCallerAbort);
  }

  private stop(reason: CaptureFailed): void {
    if (!this.controller.signal.aborted) this.controller.abort(reason);
    this.dispose();
  }
}

function seconds(ms: number): string {
  const s = Math.round(ms / 100) / 10;
  return `${s} second${s === 1 ? '' : 's'}`;
}
