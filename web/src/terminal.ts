/**
 * A text box that behaves like the terminal fit writes its Keras-style progress to: '\r' returns to
 * the start of the current line (so the bar is redrawn in place), '\n' starts a new line, and the
 * ANSI "erase to end of line" (ESC [K) is dropped.
 */
export class Terminal {
  private lines: string[] = [''];

  constructor(private readonly element: HTMLElement, private readonly maxLines = 200) {}

  write(text: string): void {
    for (const part of text.replace(/\x1b\[K/g, '').split(/(\r|\n)/)) {
      if (part === '\n') this.lines.push('');
      else if (part === '\r') this.lines[this.lines.length - 1] = '';
      else this.lines[this.lines.length - 1] += part;
    }
    if (this.lines.length > this.maxLines) this.lines = this.lines.slice(-this.maxLines);
    this.element.textContent = this.lines.join('\n');
    this.element.scrollTop = this.element.scrollHeight;
  }

  clear(): void {
    this.lines = [''];
    this.element.textContent = '';
  }
}
