/**
 * Tells the coordinator when this rank is blocked, for its deadlock detection (see monitor.ts).
 * Reports are debounced: a receive must stay blocked for {@link REPORT_AFTER_MS} before the
 * coordinator hears of it, which keeps fast exchanges silent. A rank with its own timers or I/O
 * pending is reported as waiting but not blocked: it may still wake up and send.
 */
import type { Link } from "./link";
import type { Mailbox } from "./mailbox";

const REPORT_AFTER_MS = 15;
/** How soon a busy rank (timers, I/O) is looked at again. */
const RECHECK_BUSY_MS = 50;
/** Handles that do not count as "this rank still has other work pending". */
const TRANSPORT_RESOURCES = new Set(["MessagePort", "TCPSocketWrap", "TCPServerWrap", "PipeWrap", "TTYWrap", "WriteWrap", "ShutdownWrap", "SignalWrap"]);

export class BlockedStateReporter {
  private timer: NodeJS.Timeout | undefined;
  private reported = false;

  constructor(
    private readonly link: Link,
    private readonly mailbox: Mailbox,
  ) {}

  /** The mailbox's waits or counters changed. */
  changed(): void {
    if (!this.link.watched) return;
    if (this.reported) {
      this.send();
      return;
    }
    if (this.mailbox.waits().length > 0) this.later(REPORT_AFTER_MS);
  }

  private later(ms: number): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.mailbox.waits().length > 0) this.send();
    }, ms);
    this.timer.unref();
  }

  private send(): void {
    const waits = this.mailbox.waits();
    const busy = waits.length > 0 && process.getActiveResourcesInfo().some((r) => !TRANSPORT_RESOURCES.has(r));
    this.reported = waits.length > 0;
    this.link.report({ type: "state", blocked: waits.length > 0 && !busy, waits, sent: this.mailbox.sent, received: this.mailbox.received });
    // The pending work may finish while the receive stays blocked: look again then.
    if (busy) this.later(RECHECK_BUSY_MS);
  }
}
