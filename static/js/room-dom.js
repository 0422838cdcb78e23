// Building the room's elements. What people write only ever becomes text nodes; the one exception is an
// http(s) address, which becomes a link whose address the URL parser has checked.

const LINK = /\bhttps?:\/\/[^\s<>"'`]+/gi;
const TRAILING = /[.,;:!?'"»\]}]+$/u;

// el("li", { class: "x", dataset: { id: 3 }, disabled: true }, "text", child): other properties are set as
// attributes (true gives an empty one, false none); strings are appended as text nodes.
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else if (name === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
  return node;
}

// An address ends where the sentence goes on: trailing punctuation, and a closing bracket that has no
// opening one inside the address, belong to the text.
function trimAddress(candidate) {
  let address = candidate.replace(TRAILING, "");
  while (address.endsWith(")") && (address.match(/\(/g) || []).length < (address.match(/\)/g) || []).length) {
    address = address.slice(0, -1).replace(TRAILING, "");
  }
  return address;
}

export function richText(body) {
  const fragment = document.createDocumentFragment();
  let done = 0;
  for (const match of body.matchAll(LINK)) {
    const address = trimAddress(match[0]);
    let url;
    try {
      url = new URL(address);
    } catch {
      continue;
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") continue;
    fragment.append(body.slice(done, match.index));
    fragment.append(
      el("a", { href: url.href, rel: "noopener nofollow ugc", target: "_blank", text: address }),
    );
    done = match.index + address.length;
  }
  fragment.append(body.slice(done));
  return fragment;
}

export function translator(strings) {
  return (key, values = {}) => {
    let text = strings[key] ?? "";
    for (const [name, value] of Object.entries(values)) text = text.split(`{${name}}`).join(String(value));
    return text;
  };
}

export function newId() {
  if (window.crypto && typeof crypto.randomUUID === "function") return crypto.randomUUID();
  // randomUUID needs a secure context; a page served over plain http (a test set-up) still gets 128 bits.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}
