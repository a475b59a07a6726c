// One colour rule for services, used by the traces list, the waterfall and the service graph.
//
// A view is one trace: its chips in the list, its waterfall and its graph colour the same set of services,
// so they always agree. Within it:
//  - each service prefers the palette slot its name hashes to (FNV-1a), so a service has the same colour in
//    every trace where nothing competes for that slot;
//  - services are placed in alphabetical order, and one whose slot is already taken in this trace moves on to
//    the next free slot: a trace's services never share a colour (up to PALETTE.length of them; beyond that,
//    slots are reused in the same order).
// The rule depends only on the names of the trace's services, not on their order in the trace nor on what
// else the page shows, so a trace looks the same in the list, on its page, after a reload or a deep link.
// The palette: clearly different colours that keep white text readable in both themes.
const PALETTE = [
  '#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#e377c2', '#8c564b', '#17becf', '#bcbd22',
  '#ff7f0e', '#7f7f7f', '#393b79', '#637939', '#7b4173', '#0e7c7b', '#843c39', '#5254a3'];

function preferredSlot(name) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % PALETTE.length;
}

// The colour of each of one trace's services, keyed in the order given (the service graph lays out by it).
export function serviceColors(names) {
  const colors = new Map(names.map(name => [name, null]));
  const used = new Uint32Array(PALETTE.length); // how many services hold each slot
  let round = 0;                                // with more services than colours, each slot's next turn
  for (const name of [...colors.keys()].sort()) {
    let slot = preferredSlot(name);
    for (let tried = 0; used[slot] > round && tried < PALETTE.length; tried++) slot = (slot + 1) % PALETTE.length;
    if (used[slot] > round) round++;
    used[slot]++;
    colors.set(name, PALETTE[slot]);
  }
  return colors;
}
