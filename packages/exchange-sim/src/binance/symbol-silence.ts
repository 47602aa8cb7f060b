/**
 * The simulator-wide half of the silenceSymbol fault: which symbols are silenced, and the open
 * connections to tell when that changes (each connection silences the streams it holds now).
 */
import type { BinanceConnection } from './connection';

export class SymbolSilence {
  private readonly symbols = new Set<string>();
  private readonly connections = new Set<BinanceConnection>();

  /** Symbols under the fault, sorted. */
  get silenced(): string[] {
    return [...this.symbols].sort();
  }

  /** Tracks an open connection until its socket is gone. */
  track(connection: BinanceConnection): void {
    this.connections.add(connection);
    connection.socket.onClosed(() => this.connections.delete(connection));
  }

  /**
   * On silences the (uppercase) symbol's streams on the connections subscribed to them now;
   * off lets every one of them deliver again.
   */
  set(symbol: string, on: boolean): void {
    if (on) this.symbols.add(symbol);
    else this.symbols.delete(symbol);
    for (const connection of this.connections) {
      if (on) connection.silenceSymbol(symbol);
      else connection.unsilenceSymbol(symbol);
    }
  }

  /** Ends every silence (the reset fault). */
  clear(): void {
    for (const symbol of [...this.symbols]) this.set(symbol, false);
  }
}
