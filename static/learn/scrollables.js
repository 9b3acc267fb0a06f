// A code block, table or displayed formula wider than its column scrolls sideways (on a phone
// many do); a keyboard can scroll it only if it can be focused. Each such block on a lesson or
// lab page (prose diagrams, error-card lines, outputs, tables, maths) gets tabindex="0" while it
// overflows and loses it when it fits again, so a block that fits is no extra Tab stop. The code
// editors scroll their own stack (editor.js).

const BLOCKS = 'pre, table, math[display="block"]';
const SKIP = ".cell-code, .cell-lines";
const MARK = "data-scroll-focus";

function overflows(node) {
  return node.scrollWidth > node.clientWidth + 1 || node.scrollHeight > node.clientHeight + 1;
}

function update(root) {
  for (const block of root.querySelectorAll(BLOCKS)) {
    if (block.matches(SKIP)) continue;
    if (overflows(block)) {
      if (!block.hasAttribute("tabindex")) {
        block.setAttribute("tabindex", "0");
        block.setAttribute(MARK, "");
      }
    } else if (block.hasAttribute(MARK)) {
      block.removeAttribute("tabindex");
      block.removeAttribute(MARK);
    }
  }
}

function init() {
  const root = document.querySelector("main") || document.body;
  let pending = false;
  const soon = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      update(root);
    });
  };
  soon();
  window.addEventListener("resize", soon);
  new MutationObserver(soon).observe(root, { childList: true, subtree: true });
  // Opening a collapsed traceback shows a block that was not measured while hidden.
  root.addEventListener("toggle", soon, true);
}

init();
