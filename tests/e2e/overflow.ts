/** Sideways scrolling on narrow screens: how far the page is wider than the viewport, and what sticks out. */
import { expect, type Page } from '@playwright/test';

interface Overflow {
  /** document width − viewport width, in CSS pixels */
  px: number;
  /** the outermost elements whose right edge is past the viewport's and not inside a box that scrolls or clips, as `tag.class (right edge)` */
  culprits: string[];
}

function measure(page: Page): Promise<Overflow> {
  return page.evaluate(() => {
    const root = document.documentElement;
    const width = root.clientWidth;
    const culprits: string[] = [];
    const visit = (el: Element) => {
      const right = el.getBoundingClientRect().right;
      if (right > width + 1) {
        const cls = typeof el.className === 'string' && el.className ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
        culprits.push(`${el.tagName.toLowerCase()}${cls} (right edge ${Math.round(right)} px)`);
        return;
      }
      // What a box that scrolls or clips holds sideways does not widen the page.
      if (getComputedStyle(el).overflowX !== 'visible') return;
      for (const child of Array.from(el.children)) visit(child);
    };
    visit(document.body);
    return { px: root.scrollWidth - width, culprits: culprits.slice(0, 5) };
  });
}

/** Fails naming the elements that stick out when the page can scroll sideways by more than a pixel. */
export async function expectNoSidewaysScroll(page: Page, name: string): Promise<void> {
  const { px, culprits } = await measure(page);
  expect(px, `${name}: ${px} px wider than the viewport; sticking out: ${culprits.join(', ') || 'none found'}`).toBeLessThanOrEqual(1);
}
