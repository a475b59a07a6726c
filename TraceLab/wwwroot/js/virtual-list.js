// A list that renders only the rows in view: a 100,000-span trace costs as much to scroll as a 30-span one.
// Rows have a fixed height; render(index) builds one row's element.
export class VirtualList {
  constructor(container, { rowHeight = 26, count = 0, render, overscan = 10 }) {
    this.container = container;
    this.rowHeight = rowHeight;
    this.render = render;
    this.overscan = overscan;
    this.container.classList.add('vlist');
    this.spacer = document.createElement('div');
    this.spacer.className = 'spacer';
    this.container.replaceChildren(this.spacer);
    this.rendered = new Map();
    this.container.addEventListener('scroll', () => this.update(), { passive: true });
    this.setCount(count);
  }

  setCount(count) {
    this.count = count;
    this.spacer.style.height = `${count * this.rowHeight}px`;
    this.refresh();
  }

  // Re-renders the visible rows (data changed, selection moved).
  refresh() {
    for (const row of this.rendered.values()) row.remove();
    this.rendered.clear();
    this.update();
  }

  update() {
    const first = Math.max(0, Math.floor(this.container.scrollTop / this.rowHeight) - this.overscan);
    const visible = Math.ceil(this.container.clientHeight / this.rowHeight) + 2 * this.overscan;
    const last = Math.min(this.count, first + visible);
    for (const [index, row] of this.rendered) {
      if (index < first || index >= last) {
        row.remove();
        this.rendered.delete(index);
      }
    }
    for (let index = first; index < last; index++) {
      if (this.rendered.has(index)) continue;
      const row = this.render(index);
      row.classList.add('vrow');
      row.style.top = `${index * this.rowHeight}px`;
      this.spacer.append(row);
      this.rendered.set(index, row);
    }
  }

  scrollToIndex(index) {
    const top = index * this.rowHeight;
    if (top < this.container.scrollTop || top + this.rowHeight > this.container.scrollTop + this.container.clientHeight) {
      this.container.scrollTop = Math.max(0, top - this.container.clientHeight / 3);
    }
    this.update();
  }
}
