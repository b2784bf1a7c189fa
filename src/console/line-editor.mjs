// The console's line editor: the line being typed, its cursor and the history, driven by the
// keystrokes a terminal sends (xterm.js's onData) and drawn back as terminal escape sequences.
// It knows nothing of Python or workers: console.mjs decides what a finished line means.

// What key() returns besides redrawing: nothing, or one of
//   {submit: line}  Enter          {complete: textBeforeCursor}  Tab
//   {interrupt: true}  Ctrl-C      {eof: true}  Ctrl-D on an empty line
export class LineEditor {
  constructor({ write, columns, history = [] }) {
    this.write = write;          // (escape sequences) => void
    this.columns = columns;      // () => the terminal's width
    this.history = history;      // oldest first; the caller persists it
    this.active = false;
    this.text = '';
    this.cursor = 0;
  }

  // Starts a line after `prompt`; `startColumn` is where the prompt begins (input() prompts are
  // already on the screen, so they start the line at the cursor's column with prompt '').
  start(prompt, { useHistory = true, startColumn = 0 } = {}) {
    this.prompt = prompt;
    this.offset = startColumn + prompt.length;
    this.useHistory = useHistory;
    this.text = '';
    this.cursor = 0;
    this.drawnCursor = 0;
    this.historyIndex = this.history.length;
    this.draft = '';
    this.active = true;
    this.write(prompt);
  }

  // Moves the terminal's cursor from text index `from` to `to` (both after the prompt).
  moveCursor(from, to) {
    const cols = this.columns();
    const [r0, c0] = [Math.floor((this.offset + from) / cols), (this.offset + from) % cols];
    const [r1, c1] = [Math.floor((this.offset + to) / cols), (this.offset + to) % cols];
    let seq = '';
    if (r1 < r0) seq += `\x1b[${r0 - r1}A`;
    if (r1 > r0) seq += `\x1b[${r1 - r0}B`;
    seq += '\r';
    if (c1 > 0) seq += `\x1b[${c1}C`;
    return seq;
  }

  // Redraws the text from the start of the line and puts the cursor back where it belongs.
  redraw() {
    let seq = this.moveCursor(this.drawnCursor, 0) + '\x1b[J' + this.text;
    // At the exact end of a terminal row, xterm keeps the cursor on the row until the next
    // character: a space and a carriage return make it wrap now.
    if ((this.offset + this.text.length) % this.columns() === 0 && this.text.length) seq += ' \r';
    seq += this.moveCursor(this.text.length, this.cursor);
    this.drawnCursor = this.cursor;
    this.write(seq);
  }

  set(text, cursor = text.length) {
    this.text = text;
    this.cursor = cursor;
    this.redraw();
  }

  insert(s) {
    this.set(this.text.slice(0, this.cursor) + s + this.text.slice(this.cursor), this.cursor + s.length);
  }

  // Ends the line: the cursor goes past it, onto a new line.
  finish() {
    this.write(this.moveCursor(this.drawnCursor, this.text.length) + '\r\n');
    this.active = false;
  }

  recall(step) {
    if (!this.useHistory) return;
    const next = this.historyIndex + step;
    if (next < 0 || next > this.history.length) return;
    if (this.historyIndex === this.history.length) this.draft = this.text;
    this.historyIndex = next;
    this.set(next === this.history.length ? this.draft : this.history[next]);
  }

  // Handles one onData chunk: a key, an escape sequence, or pasted text. Returns the events in
  // order (pasted lines each submit) and keeps what follows a submit for the caller to replay.
  key(data) {
    const events = [];
    let i = 0;
    while (i < data.length && this.active) {
      const rest = data.slice(i);
      const esc = /^\x1b(?:\[[0-9;]*[A-Za-z~]|O[A-Za-z])/.exec(rest);
      if (esc) {
        i += esc[0].length;
        this.escape(esc[0]);
        continue;
      }
      const ch = data[i++];
      const event = this.control(ch);
      if (event) {
        events.push(event);
        if (event.submit !== undefined || event.eof || event.interrupt) {
          if (i < data.length) events.push({ typeahead: data.slice(i).replace(/^\n/, '') });
          break;
        }
      }
    }
    return events;
  }

  escape(seq) {
    const { text, cursor } = this;
    switch (seq.replace(/^\x1bO/, '\x1b[')) {
      case '\x1b[A': this.recall(-1); break;
      case '\x1b[B': this.recall(1); break;
      case '\x1b[C': if (cursor < text.length) this.set(text, cursor + 1); break;
      case '\x1b[D': if (cursor > 0) this.set(text, cursor - 1); break;
      case '\x1b[H': case '\x1b[1~': this.set(text, 0); break;
      case '\x1b[F': case '\x1b[4~': this.set(text, text.length); break;
      case '\x1b[3~': if (cursor < text.length) this.set(text.slice(0, cursor) + text.slice(cursor + 1), cursor); break;
      default: break;  // other keys (function keys, ...) do nothing
    }
  }

  control(ch) {
    const { text, cursor } = this;
    switch (ch) {
      case '\r': case '\n': {
        const line = this.text;
        this.finish();
        if (this.useHistory && line.trim() && this.history.at(-1) !== line) this.history.push(line);
        return { submit: line };
      }
      case '\t': return { complete: text.slice(0, cursor) };
      case '\x03': this.write('^C'); this.finish(); return { interrupt: true };
      case '\x04':
        if (text === '') { this.finish(); return { eof: true }; }
        if (cursor < text.length) this.set(text.slice(0, cursor) + text.slice(cursor + 1), cursor);
        return null;
      case '\x7f': case '\b':
        if (cursor > 0) this.set(text.slice(0, cursor - 1) + text.slice(cursor), cursor - 1);
        return null;
      case '\x01': this.set(text, 0); return null;
      case '\x05': this.set(text, text.length); return null;
      case '\x02': if (cursor > 0) this.set(text, cursor - 1); return null;
      case '\x06': if (cursor < text.length) this.set(text, cursor + 1); return null;
      case '\x0b': this.set(text.slice(0, cursor), cursor); return null;
      case '\x15': this.set(text.slice(cursor), 0); return null;
      case '\x17': {
        const start = text.slice(0, cursor).replace(/\S*\s*$/, '').length;
        this.set(text.slice(0, start) + text.slice(cursor), start);
        return null;
      }
      case '\x10': this.recall(-1); return null;
      case '\x0e': this.recall(1); return null;
      default:
        if (ch >= ' ') this.insert(ch);
        return null;
    }
  }
}
