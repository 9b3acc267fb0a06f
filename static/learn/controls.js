// Live controls: Colab's `name = value  # @param {...}` lines become labelled controls above
// the code. Changing a control rewrites that one line (a safe Python literal) and re-runs the
// cell through kernel.js; while the learner drags, at most one run per cell is in flight and
// the newest value always runs last.
//
// The parser and the literal writer mirror learn/params.py line for line;
// tests/learn/param_cases.json holds the cases both must agree on.
//
// On a cell with controls: data-keep-output (kernel.js swaps its outputs in one go when a run
// ends, so the figure never leaves the page), data-controls-runs (runs the controls sent) and
// data-controls-busy (a control-driven run is in flight).

const NAME = /^([ \t]*)([A-Za-z_][A-Za-z0-9_]*)[ \t]*=(?!=)[ \t]*/;
const PARAM = /^#[ \t]*@param(?![A-Za-z0-9_])/;
const TITLE = /^[ \t]*#[ \t]*@title(?![A-Za-z0-9_])[ \t]*([\s\S]*)$/;
const MARKDOWN = /^[ \t]*#[ \t]*@markdown(?![A-Za-z0-9_])[ \t]?([\s\S]*)$/;
const NUMBER = /^[+-]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)(?:[eE][+-]?[0-9]+)?$/;
const INTEGER = /^[+-]?[0-9][0-9_]*$/;
const STRING = /^[rR]?(?:"(?:[^"\\\n]|\\[\s\S])*"|'(?:[^'\\\n]|\\[\s\S])*')$/;
const TYPES = ["slider", "integer", "number", "boolean", "string", "date", "raw"];
const NUMERIC = ["slider", "integer", "number"];

class SpecError extends Error {}

// --- Finding the comment ------------------------------------------------------------------

export function commentStart(line) {
  let quote = "";
  for (let index = 0; index < line.length; index += 1) {
    const char = line[index];
    if (quote) {
      if (char === "\\") index += 1;
      else if (char === quote) quote = "";
    } else if (char === '"' || char === "'") quote = char;
    else if (char === "#") return index;
  }
  return -1;
}

// {name, valueStart, valueEnd, spec}; null for no @param line; a string for a malformed one.
export function splitParamLine(line) {
  const hashAt = commentStart(line);
  if (hashAt < 0 || !PARAM.test(line.slice(hashAt))) return null;
  const match = NAME.exec(line.slice(0, hashAt));
  const spec = line.slice(hashAt).replace(PARAM, "");
  if (!match) return "a # @param line must assign one name: name = value  # @param …";
  const valueEnd = line.slice(0, hashAt).replace(/[ \t]+$/, "").length;
  if (valueEnd <= match[0].length) return `${match[2]} has no value before # @param`;
  return { name: match[2], valueStart: match[0].length, valueEnd, spec };
}

// --- The {...} / [...] reader -------------------------------------------------------------

class Reader {
  constructor(text) {
    this.text = text;
    this.pos = 0;
  }

  skip() {
    while (this.pos < this.text.length && " \t".includes(this.text[this.pos])) this.pos += 1;
  }

  peek() {
    this.skip();
    return this.pos < this.text.length ? this.text[this.pos] : "";
  }

  expect(char) {
    if (this.peek() !== char) throw new SpecError(`expected ${char} at column ${this.pos + 1}`);
    this.pos += 1;
  }

  match(pattern) {
    const sticky = new RegExp(pattern.source, "y");
    sticky.lastIndex = this.pos;
    const found = sticky.exec(this.text);
    if (found) this.pos = sticky.lastIndex;
    return found ? found[0] : null;
  }

  value() {
    const char = this.peek();
    if (char === "{") return this.obj();
    if (char === "[") return this.array();
    if (char === '"' || char === "'") return this.string();
    const start = this.pos;
    const word = this.match(/[A-Za-z0-9_.+-]+/);
    if (word === null) throw new SpecError(`expected a value at column ${start + 1}`);
    if (word === "true" || word === "True") return true;
    if (word === "false" || word === "False") return false;
    if (word === "null" || word === "None") return null;
    if (NUMBER.test(word)) return toNumber(word);
    throw new SpecError(`${word} is not a value (strings need quotes)`);
  }

  string() {
    const quote = this.text[this.pos];
    let end = this.pos + 1;
    while (end < this.text.length && this.text[end] !== quote) {
      end += this.text[end] === "\\" ? 2 : 1;
    }
    if (end >= this.text.length) throw new SpecError("a string in the form spec is not closed");
    const literal = this.text.slice(this.pos, end + 1);
    this.pos = end + 1;
    return decodeString(literal);
  }

  key() {
    const char = this.peek();
    if (char === '"' || char === "'") return this.string();
    const word = this.match(/[A-Za-z_][A-Za-z0-9_-]*/);
    if (word === null) throw new SpecError(`expected a key at column ${this.pos + 1}`);
    return word;
  }

  obj() {
    this.expect("{");
    const result = new Map();
    while (this.peek() !== "}") {
      const key = this.key();
      this.expect(":");
      result.set(key, this.value());
      if (this.peek() !== ",") break;
      this.pos += 1;
    }
    this.expect("}");
    return result;
  }

  array() {
    this.expect("[");
    const result = [];
    while (this.peek() !== "]") {
      result.push(this.value());
      if (this.peek() !== ",") break;
      this.pos += 1;
    }
    this.expect("]");
    return result;
  }
}

function readSpec(spec) {
  const reader = new Reader(spec);
  const options = reader.peek() === "[" ? reader.array() : null;
  const settings = reader.peek() === "{" ? reader.obj() : new Map();
  if (reader.peek()) throw new SpecError(`unexpected text at column ${reader.pos + 1}`);
  return { options, settings };
}

// --- Literals -----------------------------------------------------------------------------

function toNumber(text) {
  return Number(text.replace(/_/g, ""));
}

const SIMPLE_ESCAPES = { "\\": "\\", "'": "'", '"': '"', a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v" };

// A one-line Python string literal ('…', "…", r'…') to its value.
export function decodeString(literal) {
  if (!STRING.test(literal)) throw new SpecError(`${literal} is not a plain string literal`);
  const raw = literal[0] === "r" || literal[0] === "R";
  const body = literal.slice(raw ? 2 : 1, -1);
  if (raw) return body;
  const invalid = () => new SpecError(`${literal} is not a valid string literal`);
  let out = "";
  for (let i = 0; i < body.length; i += 1) {
    if (body[i] !== "\\") {
      out += body[i];
      continue;
    }
    const next = body[i + 1];
    if (next === "N") throw new SpecError("\\N{…} escapes are not supported in controls");
    if (Object.hasOwn(SIMPLE_ESCAPES, next)) {
      out += SIMPLE_ESCAPES[next];
      i += 1;
    } else if (/[0-7]/.test(next)) {
      const digits = body.slice(i + 1).match(/^[0-7]{1,3}/)[0];
      out += String.fromCodePoint(parseInt(digits, 8));
      i += digits.length;
    } else if (next === "x" || next === "u" || next === "U") {
      const size = { x: 2, u: 4, U: 8 }[next];
      const hex = body.slice(i + 2, i + 2 + size);
      if (!new RegExp(`^[0-9A-Fa-f]{${size}}$`).test(hex)) throw invalid();
      const code = parseInt(hex, 16);
      if (code > 0x10ffff) throw invalid();
      out += String.fromCodePoint(code);
      i += 1 + size;
    } else {
      out += "\\"; // Python keeps an unknown escape as it is
    }
  }
  return out;
}

function plain(number) {
  if (Number.isInteger(number)) return String(number);
  return number.toFixed(12).replace(/0+$/, "");
}

function decimals(number) {
  const text = plain(number);
  return text.includes(".") ? text.split(".")[1].length : 0;
}

export function formatNumber(value, step, integer) {
  if (integer) return String(Math.floor(value + 0.5));
  const places = step !== null && step !== undefined ? decimals(step) : 0;
  if (places) {
    const text = value.toFixed(places).replace(/0+$/, "");
    return text.endsWith(".") ? `${text}0` : text;
  }
  if (Number.isInteger(value)) return `${value}.0`;
  return plain(value);
}

// `text` as a double-quoted Python literal that stays one literal on one line.
export function pythonString(text) {
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0);
    if (char === "\\") out += "\\\\";
    else if (char === '"') out += '\\"';
    else if (char === "\n") out += "\\n";
    else if (char === "\r") out += "\\r";
    else if (char === "\t") out += "\\t";
    else if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else if (code === 0x2028 || code === 0x2029 || (code >= 0xd800 && code <= 0xdfff)) {
      out += `\\u${code.toString(16).padStart(4, "0")}`;
    } else out += char;
  }
  return `${out}"`;
}

function isIntegerSlider(control) {
  return [control.min, control.max, control.step].every((v) => v !== null && Number.isInteger(v));
}

// `value` as the Python literal `control` puts on its line (numbers clamped to min/max).
export function literal(control, value) {
  const kind = control.type;
  if (kind === "boolean") return value === true || value === "True" ? "True" : "False";
  if (NUMERIC.includes(kind)) {
    let number = typeof value === "number" ? value : Number.parseFloat(value);
    if (Number.isNaN(number)) number = control.value;
    if (control.min !== null) number = Math.max(control.min, number);
    if (control.max !== null) number = Math.min(control.max, number);
    const integer = kind === "integer" || (kind === "slider" && isIntegerSlider(control));
    return formatNumber(number, control.step, integer);
  }
  if (kind === "select") {
    const option = control.options.find((o) => o.code === value || o.label === value);
    return option ? option.code : control.code;
  }
  if (kind === "raw") return control.code; // raw code is edited in the editor only
  return pythonString(String(value));
}

export function writeLine(line, control, value) {
  const parts = splitParamLine(line);
  if (!parts || typeof parts === "string") throw new Error("not a # @param line");
  return line.slice(0, parts.valueStart) + literal(control, value) + line.slice(parts.valueEnd);
}

// --- Building controls --------------------------------------------------------------------

function text(item) {
  if (typeof item === "boolean") return item ? "True" : "False";
  if (typeof item === "number") return plain(item);
  if (item === null) return "None";
  return String(item);
}

function option(item) {
  if (typeof item === "boolean" || typeof item === "number") return { label: text(item), code: text(item) };
  if (typeof item === "string") return { label: item, code: pythonString(item) };
  throw new SpecError("list options must be strings, numbers or booleans");
}

function literalKey(code) {
  if (STRING.test(code)) return `s:${decodeString(code)}`;
  if (NUMBER.test(code)) return `n:${toNumber(code)}`;
  if (code === "True" || code === "False") return `b:${code}`;
  return `c:${code}`;
}

function control(name, type, value, line, extra = {}) {
  return { name, type, value, line, min: null, max: null, step: null, options: [], code: "", ...extra };
}

function select(name, code, line, items, settings) {
  if (!items.length) throw new SpecError("the option list is empty");
  let options;
  let chosen;
  if (settings.get("type") === "raw") {
    options = items.map((item) => ({ label: text(item), code: text(item) }));
    chosen = options.find((o) => o.code === code);
  } else {
    options = items.map(option);
    const key = literalKey(code);
    chosen = options.find((o) => literalKey(o.code) === key);
  }
  if (!chosen) {
    if (settings.get("allow-input") !== true) throw new SpecError(`${code} is not one of the options`);
    chosen = { label: STRING.test(code) ? decodeString(code) : code, code };
    options.push(chosen);
  }
  return control(name, "select", chosen.label, line, { options, code });
}

function bound(settings, key) {
  if (!settings.has(key) || settings.get(key) === null) return null;
  const value = settings.get(key);
  if (typeof value !== "number") throw new SpecError(`${key} must be a number`);
  return value;
}

function numeric(name, kind, code, line, settings) {
  const low = bound(settings, "min");
  const high = bound(settings, "max");
  let step = bound(settings, "step");
  if (kind === "slider") {
    if (low === null || high === null) throw new SpecError("a slider needs min and max");
    if (step === null) step = 1;
  }
  if (step !== null && step <= 0) throw new SpecError("step must be greater than 0");
  if (low !== null && high !== null && low > high) {
    throw new SpecError(`min ${plain(low)} is greater than max ${plain(high)}`);
  }
  if (!(kind === "integer" ? INTEGER : NUMBER).test(code)) {
    throw new SpecError(`${code} is not ${kind === "integer" ? "an integer" : "a number"}`);
  }
  const value = toNumber(code);
  if (low !== null && value < low) throw new SpecError(`${code} is below the minimum ${plain(low)}`);
  if (high !== null && value > high) throw new SpecError(`${code} is above the maximum ${plain(high)}`);
  return control(name, kind, value, line, { min: low, max: high, step, code });
}

function buildControl(name, code, line, spec) {
  const { options, settings } = readSpec(spec);
  const kind = settings.has("type") ? settings.get("type") : "raw";
  if (typeof kind !== "string") throw new SpecError('type must be a string such as "slider"');
  if (!TYPES.includes(kind)) throw new SpecError(`unknown type "${kind}" (known: ${TYPES.join(", ")})`);
  if (options !== null) return select(name, code, line, options, settings);
  if (NUMERIC.includes(kind)) return numeric(name, kind, code, line, settings);
  if (kind === "boolean") {
    if (code !== "True" && code !== "False") throw new SpecError(`${code} is not True or False`);
    return control(name, kind, code === "True", line, { code });
  }
  if (kind === "string" || kind === "date") return control(name, "string", decodeString(code), line, { code });
  return control(name, "raw", code, line, { code });
}

// Every `# @param`, `# @title` and `# @markdown` line of a cell's source (as learn/params.py).
export function parseForm(source) {
  const form = { controls: [], errors: [], title: "", markdown: [] };
  source.split("\n").forEach((line, index) => {
    const number = index + 1;
    const title = TITLE.exec(line);
    if (title) {
      form.title = title[1].replace(/[ \t]*\{[\s\S]*\}[ \t]*$/, "").trim();
      return;
    }
    const note = MARKDOWN.exec(line);
    if (note) {
      form.markdown.push(note[1].trimEnd());
      return;
    }
    const parts = splitParamLine(line);
    if (parts === null) return;
    if (typeof parts === "string") {
      form.errors.push({ line: number, message: parts });
      return;
    }
    const code = line.slice(parts.valueStart, parts.valueEnd);
    try {
      form.controls.push(buildControl(parts.name, code, number, parts.spec));
    } catch (error) {
      if (!(error instanceof SpecError)) throw error;
      form.errors.push({ line: number, message: `${parts.name}: ${error.message}` });
    }
  });
  return form;
}

// --- Live runs ----------------------------------------------------------------------------

// At most one run in flight per cell; changes that arrive meanwhile collapse into one more
// run, which reads the editor when it starts, so the newest value always runs last.
export class LiveRunner {
  constructor(cell, runCell) {
    this.cell = cell;
    this.runCell = runCell;
    this.inFlight = false;
    this.pending = false;
    this.sent = 0;
  }

  request() {
    this.pending = true;
    if (!this.inFlight) this.pump();
  }

  async pump() {
    this.inFlight = true;
    this.cell.dataset.controlsBusy = "true";
    try {
      while (this.pending) {
        this.pending = false;
        this.sent += 1;
        this.cell.dataset.controlsRuns = String(this.sent);
        try {
          await this.runCell(this.cell);
        } catch {
          // kernel.js shows the failure in the cell; the next change may run again.
        }
      }
    } finally {
      this.inFlight = false;
      delete this.cell.dataset.controlsBusy;
    }
  }
}

function runThroughKernel(cell) {
  const lesson = cell.closest("[data-lesson]");
  if (lesson && lesson.kernel) return lesson.kernel.enqueue(cell);
  cell.dispatchEvent(new CustomEvent("cell:run", { bubbles: true }));
  return Promise.resolve();
}

// --- The page -----------------------------------------------------------------------------

function el(tag, className, content) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (content !== undefined) node.textContent = content;
  return node;
}

function sameShape(a, b) {
  const shape = (form) =>
    JSON.stringify([
      form.title,
      form.markdown,
      form.errors,
      form.controls.map((c) => [c.name, c.type, c.line, c.min, c.max, c.step, c.options]),
    ]);
  return shape(a) === shape(b);
}

class CellControls {
  constructor(cell) {
    this.cell = cell;
    this.source = cell.querySelector("[data-cell-source]");
    this.runner = new LiveRunner(cell, runThroughKernel);
    this.writing = false;
    this.form = null;
    this.fields = new Map();
    this.uid = (cell.dataset.cellId || "cell").replace(/[^A-Za-z0-9_-]/g, "-");
    this.source.addEventListener("input", () => {
      if (!this.writing) this.refresh(parseForm(this.source.value));
    });
    const server = cell.querySelector("[data-cell-controls][data-controls]");
    let initial = null;
    if (server && this.source.value === (this.source.dataset.original ?? this.source.value)) {
      try {
        initial = JSON.parse(server.dataset.controls);
      } catch {
        initial = null;
      }
    }
    this.refresh(initial || parseForm(this.source.value), true);
  }

  container() {
    let box = this.cell.querySelector("[data-cell-controls]");
    if (!box) {
      box = el("div", "cell-controls");
      box.dataset.cellControls = "";
      this.cell.querySelector("[data-cell-editor]").before(box);
    }
    return box;
  }

  refresh(form, force = false) {
    if (!force && this.form && sameShape(form, this.form)) {
      this.form = form;
      for (const spec of form.controls) this.fields.get(spec.name)?.show(spec);
      return;
    }
    this.form = form;
    if (!form.controls.length && !form.errors.length && !this.cell.querySelector("[data-cell-controls]")) {
      delete this.cell.dataset.keepOutput;
      return;
    }
    const box = this.container();
    this.fields.clear();
    box.hidden = !form.controls.length && !form.errors.length;
    if (form.controls.length) this.cell.dataset.keepOutput = "";
    else delete this.cell.dataset.keepOutput;
    const children = [];
    if (form.title) children.push(el("p", "controls-title", form.title));
    for (const note of form.markdown) {
      if (note && note !== "---") children.push(el("p", "controls-note", note));
    }
    if (form.controls.length) {
      const list = el("div", "controls-fields");
      for (const spec of form.controls) {
        const field = new Field(this, spec);
        this.fields.set(spec.name, field);
        list.append(field.node);
      }
      children.push(list);
    }
    if (form.errors.length) {
      const notices = el("ul", "controls-notices");
      notices.setAttribute("role", "list");
      for (const problem of form.errors) {
        notices.append(el("li", "", `Line ${problem.line} is shown as plain code: ${problem.message}`));
      }
      children.push(notices);
    }
    box.replaceChildren(...children);
    delete box.dataset.controls;
    box.dataset.controlsReady = "true";
  }

  // Write one value into its line of the editor, then run the cell (coalesced).
  change(spec, value) {
    const lines = this.source.value.split("\n");
    const line = lines[spec.line - 1];
    if (line === undefined || !splitParamLine(line) || typeof splitParamLine(line) === "string") return;
    const written = writeLine(line, spec, value);
    if (written !== line) {
      lines[spec.line - 1] = written;
      this.writing = true;
      this.source.value = lines.join("\n");
      this.source.dispatchEvent(new Event("input", { bubbles: true }));
      this.writing = false;
      const fresh = parseForm(this.source.value);
      if (sameShape(fresh, this.form)) this.form = fresh;
      const now = fresh.controls.find((c) => c.name === spec.name && c.line === spec.line);
      if (now) Object.assign(spec, now);
    }
    this.fields.get(spec.name)?.show(spec);
    this.runner.request();
  }
}

class Field {
  constructor(owner, spec) {
    this.owner = owner;
    this.spec = spec;
    this.id = `ctl-${owner.uid}-${spec.line}`;
    this.node = el("div", `control control-${spec.type}`);
    this.node.dataset.control = spec.name;
    this.build();
  }

  label(forId) {
    const label = el("label", "control-label", this.spec.name);
    label.htmlFor = forId;
    return label;
  }

  build() {
    const { spec } = this;
    if (spec.type === "slider") this.slider();
    else if (spec.type === "integer" || spec.type === "number") this.numberBox(this.id, true);
    else if (spec.type === "boolean") this.checkbox();
    else if (spec.type === "select") this.select();
    else this.textBox();
  }

  slider() {
    const { spec } = this;
    const range = el("input", "control-range");
    range.type = "range";
    range.id = this.id;
    Object.assign(range, { min: spec.min, max: spec.max, step: spec.step, value: spec.value });
    range.setAttribute("aria-valuetext", `${spec.name} = ${spec.code}`);
    range.addEventListener("input", () => this.owner.change(this.spec, Number(range.value)));
    this.range = range;
    const output = el("output", "control-value", spec.code);
    output.htmlFor = range.id;
    output.setAttribute("aria-hidden", "true");
    this.output = output;
    this.node.append(this.label(range.id), range, output);
    this.numberBox(`${this.id}-n`, false);
  }

  numberBox(id, labelled) {
    const { spec } = this;
    const box = el("input", "control-number");
    box.type = "number";
    box.id = id;
    box.inputMode = spec.type === "integer" ? "numeric" : "decimal";
    if (spec.min !== null) box.min = spec.min;
    if (spec.max !== null) box.max = spec.max;
    box.step = spec.step !== null ? spec.step : spec.type === "integer" ? 1 : "any";
    box.value = spec.value;
    if (labelled) this.node.append(this.label(id));
    else box.setAttribute("aria-label", `${spec.name}, exact value`);
    box.addEventListener("change", () => {
      if (box.value.trim() !== "" && !Number.isNaN(Number(box.value))) {
        this.owner.change(this.spec, Number(box.value));
      } else box.value = this.spec.value;
    });
    this.box = box;
    this.node.append(box);
  }

  checkbox() {
    const box = el("input", "control-checkbox");
    box.type = "checkbox";
    box.id = this.id;
    box.checked = this.spec.value === true;
    box.addEventListener("change", () => this.owner.change(this.spec, box.checked));
    this.check = box;
    this.node.append(box, this.label(this.id));
  }

  select() {
    const select = el("select", "control-select");
    select.id = this.id;
    for (const item of this.spec.options) {
      const choice = el("option", "", item.label);
      choice.value = item.code;
      choice.selected = item.label === this.spec.value;
      select.append(choice);
    }
    select.addEventListener("change", () => this.owner.change(this.spec, select.value));
    this.choice = select;
    this.node.append(this.label(this.id), select);
  }

  textBox() {
    const box = el("input", "control-text");
    box.type = "text";
    box.id = this.id;
    box.value = this.spec.type === "raw" ? this.spec.code : this.spec.value;
    box.spellcheck = false;
    if (this.spec.type === "raw") {
      box.readOnly = true;
      box.title = "Raw code: edit it in the code below";
    } else {
      box.addEventListener("change", () => this.owner.change(this.spec, box.value));
    }
    this.text = box;
    this.node.append(this.label(this.id), box);
  }

  // Show a spec's current value without moving focus or the caret.
  show(spec) {
    this.spec = spec;
    if (this.range && document.activeElement !== this.range) this.range.value = spec.value;
    if (this.range) this.range.setAttribute("aria-valuetext", `${spec.name} = ${spec.code}`);
    if (this.output) this.output.textContent = spec.code;
    if (this.box && document.activeElement !== this.box) this.box.value = spec.value;
    if (this.check) this.check.checked = spec.value === true;
    if (this.choice) this.choice.value = spec.options.find((o) => o.label === spec.value)?.code ?? "";
    if (this.text && document.activeElement !== this.text) {
      this.text.value = spec.type === "raw" ? spec.code : spec.value;
    }
  }
}

export function enhanceControls(cell) {
  if (cell.controls || !cell.querySelector("[data-cell-source]") || !cell.querySelector("[data-cell-editor]")) return;
  cell.controls = new CellControls(cell);
}

function enhanceAll(root) {
  for (const cell of root.querySelectorAll("[data-cell]")) enhanceControls(cell);
}

enhanceAll(document);
// Lab scratch cells appear later: enhance each one as it is added.
for (const list of document.querySelectorAll("[data-scratch-cells]")) {
  new MutationObserver(() => enhanceAll(list)).observe(list, { childList: true });
}
