// The error card: an `error` output with the `help` of the run's answer (SPEC section 10).
//
// The exception named in words, the learner's failing line with the failing part marked, the
// help text, the shapes of a NumPy mismatch drawn as small boxes, a "Run cells 001–003" button
// for a name an earlier cell makes, and the traceback collapsed below. Everything from the
// server goes in as text (`code` spans for text between backticks); nothing is parsed as HTML.

let cards = 0;

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// "Did you mean `W.T`?" → text and <code> nodes.
function words(tag, className, text) {
  const node = element(tag, className);
  String(text || "")
    .split("`")
    .forEach((part, index) => {
      if (!part) return;
      node.append(index % 2 ? element("code", "", part) : document.createTextNode(part));
    });
  return node;
}

function failingLine(line) {
  const block = element("div", "error-card-line");
  const where = line.cell ? `${line.cell}, line ${line.number}` : `line ${line.number}`;
  block.append(element("span", "error-card-where", where));
  const pre = element("pre", "error-card-code");
  const text = String(line.text || "");
  const start = Number.isInteger(line.start) ? line.start : null;
  const end = Number.isInteger(line.end) ? line.end : null;
  if (start === null || end === null || end < start) {
    pre.append(element("mark", "", text));
  } else {
    pre.append(document.createTextNode(text.slice(0, start)));
    // A syntax error's caret marks a point, not a span: mark one character there.
    pre.append(element("mark", "", text.slice(start, Math.max(end, start + 1)) || " "));
    pre.append(document.createTextNode(text.slice(Math.max(end, start + 1))));
  }
  block.append(pre);
  return block;
}

function dims(shape) {
  if (!Array.isArray(shape)) return "?";
  if (shape.length === 1) return `(${shape[0]},)`;
  return `(${shape.join(", ")})`;
}

// Box sizes in four steps, so 3 and 784 both fit on a 360 px screen.
function bucket(size) {
  if (size <= 1) return "1";
  if (size <= 4) return "2";
  if (size <= 16) return "3";
  return "4";
}

function operandBox(operand, highlight) {
  const shape = Array.isArray(operand.shape) ? operand.shape : null;
  const wrap = element("div", "shape-operand");
  wrap.append(element("code", "shape-expr", operand.expr || "?"));
  const figure = element("div", "shape-figure");
  const mismatch = new Set(Array.isArray(highlight) ? highlight : []);
  if (shape && shape.length >= 1 && shape.length <= 2) {
    const rows = shape.length === 2 ? shape[0] : 1;
    const cols = shape[shape.length - 1];
    figure.dataset.ndim = String(shape.length);
    const colLabel = element("span", "shape-size shape-size-cols", String(cols));
    if (mismatch.has(shape.length - 1)) colLabel.classList.add("is-mismatch");
    figure.append(colLabel);
    if (shape.length === 2) {
      const rowLabel = element("span", "shape-size shape-size-rows", String(rows));
      if (mismatch.has(0)) rowLabel.classList.add("is-mismatch");
      figure.append(rowLabel);
    }
    const box = element("span", "shape-box");
    box.dataset.w = bucket(cols);
    box.dataset.h = shape.length === 2 ? bucket(rows) : "1";
    box.setAttribute("aria-hidden", "true");
    figure.append(box);
  } else {
    figure.dataset.ndim = shape ? String(shape.length) : "unknown";
    figure.append(element("span", "shape-box shape-box-text", shape ? dims(shape) : "?"));
  }
  wrap.append(figure);
  const dtype = operand.dtype ? ` ${operand.dtype}` : "";
  wrap.append(element("span", "shape-caption", `${shape ? dims(shape) : "shape unknown"}${dtype}`));
  return wrap;
}

function shapesBlock(shapes) {
  const block = element("div", "error-card-shapes");
  for (const finding of shapes.slice(0, 4)) {
    const operands = Array.isArray(finding.operands) ? finding.operands.slice(0, 4) : [];
    if (!operands.length) continue;
    const highlight = finding.highlight || {};
    const pair = element("div", "shape-pair");
    pair.setAttribute("role", "group");
    const op = String(finding.op || "");
    const infix = ["reshape", "concatenate", "stack", "vstack", "hstack"].includes(op) ? "," : op;
    pair.setAttribute(
      "aria-label",
      `Shapes: ${operands.map((o) => `${o.expr} ${dims(o.shape)}`).join(` ${infix} `)}`,
    );
    operands.forEach((operand, index) => {
      if (index) pair.append(element("span", "shape-op", infix));
      const side = index === 0 ? highlight.left : index === 1 ? highlight.right : null;
      pair.append(operandBox(operand, side));
    });
    if (op === "reshape" && Array.isArray(finding.right)) {
      pair.append(element("span", "shape-op", "→"));
      pair.append(operandBox({ expr: "new shape", shape: finding.right, dtype: "" }, null));
    }
    block.append(pair);
  }
  return block;
}

function runButton(help) {
  const ids = Array.isArray(help.run_cells) ? help.run_cells.filter((id) => typeof id === "string") : [];
  if (!ids.length) return null;
  const button = element("button", "button button-small", help.run_label || "Run cells above");
  button.type = "button";
  button.dataset.kernelAction = "run-cells";
  button.dataset.runCells = ids.join(" ");
  return button;
}

// Replace the plain traceback `pre` of an error output by the card holding it.
export function showErrorCard(pre, help) {
  if (!pre || !help || typeof help !== "object" || !pre.parentNode) return null;
  cards += 1;
  const card = element("div", "error-card");
  card.dataset.errorKind = String(help.kind || "general");
  card.setAttribute("role", "group");
  const title = words("p", "error-card-title", help.title || "Error");
  title.id = `error-card-${cards}`;
  card.setAttribute("aria-labelledby", title.id);
  card.append(title);
  if (help.line && typeof help.line === "object" && help.line.text) card.append(failingLine(help.line));
  card.append(words("p", "error-card-text", help.text || ""));
  if (Array.isArray(help.shapes) && help.shapes.length) card.append(shapesBlock(help.shapes));
  const button = runButton(help);
  if (button) card.append(button);
  const details = element("details", "error-card-traceback");
  details.append(element("summary", "", "Traceback"));
  pre.replaceWith(card);
  details.append(pre);
  card.append(details);
  return card;
}
