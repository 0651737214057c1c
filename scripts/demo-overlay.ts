/**
 * What the demo video shows on top of the n8n editor: a mouse pointer (headless Chromium draws
 * none), a caption bar, and title cards. Nothing fades or glides: the screencast sends a frame
 * only when the page repaints, and an animation's last step can be missed on a busy machine.
 * `installOverlay` runs in the page (playwright's `addInitScript`); the recorder then drives it
 * through `window.demoOverlay`.
 */

export interface DemoOverlay {
	caption(text: string): void;
	card(title: string, lines: string[]): void;
	hideCard(): void;
}

declare global {
	interface Window {
		demoOverlay: DemoOverlay;
	}
}

/** Runs in the page: adds the pointer, the caption bar and the card, and `window.demoOverlay`. */
export function installOverlay(): void {
	const style = `
		#demo-pointer { position: fixed; left: 0; top: 0; width: 22px; height: 22px; z-index: 2147483647;
			pointer-events: none; transform: translate(-3px, -2px); }
		#demo-pointer.down svg { transform: scale(0.85); }
		#demo-caption { position: fixed; left: 50%; bottom: 28px; transform: translateX(-50%);
			z-index: 2147483646; pointer-events: none; max-width: 80%; padding: 10px 22px; border-radius: 10px;
			background: rgba(20, 22, 34, 0.86); color: #fff; font: 600 20px/1.35 system-ui, sans-serif;
			text-align: center; opacity: 0; }
		#demo-card { position: fixed; inset: 0; z-index: 2147483645; display: flex; flex-direction: column;
			align-items: center; justify-content: center; gap: 14px; background: #1f2136; color: #fff;
			font: 400 22px/1.4 system-ui, sans-serif; text-align: center; }
		#demo-card h1 { margin: 0 0 8px; color: #fff; font-size: 44px; font-weight: 700; }
		#demo-card div { color: #e8e8f0; }
		#demo-card code { font-size: 24px; background: rgba(255,255,255,0.12); padding: 4px 12px; border-radius: 6px; }`;
	const pointer = `<svg width="22" height="22" viewBox="0 0 22 22"><path d="M2 1 L2 18 L6.5 13.8 L9.6 20.5
		L12.6 19.2 L9.6 12.6 L15.6 12.6 Z" fill="#111" stroke="#fff" stroke-width="1.4"/></svg>`;
	const add = () => {
		const css = document.createElement('style');
		css.textContent = style;
		document.head.append(css);
		const cursor = Object.assign(document.createElement('div'), { id: 'demo-pointer' });
		cursor.innerHTML = pointer;
		const caption = Object.assign(document.createElement('div'), { id: 'demo-caption' });
		const card = Object.assign(document.createElement('div'), { id: 'demo-card' });
		card.style.opacity = '0';
		card.style.visibility = 'hidden';
		document.body.append(card, caption, cursor);
		const move = (event: MouseEvent) =>
			(cursor.style.transform = `translate(${event.clientX - 3}px, ${event.clientY - 2}px)`);
		document.addEventListener('mousemove', move, true);
		document.addEventListener('mousedown', () => cursor.classList.add('down'), true);
		document.addEventListener('mouseup', () => cursor.classList.remove('down'), true);
		window.demoOverlay = {
			caption: (text) => {
				caption.textContent = text;
				caption.style.opacity = text ? '1' : '0';
			},
			card: (title, lines) => {
				card.innerHTML = `<h1></h1>${lines.map(() => '<div></div>').join('')}`;
				card.querySelector('h1')!.textContent = title;
				card.querySelectorAll('div').forEach((line, i) => (line.innerHTML = lines[i]));
				card.style.visibility = 'visible';
				card.style.opacity = '1';
			},
			hideCard: () => {
				card.style.opacity = '0';
				card.style.visibility = 'hidden';
			},
		};
	};
	if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', add);
	else add();
}
