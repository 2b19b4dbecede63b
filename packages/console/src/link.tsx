import type { MouseEvent, ReactNode } from 'react';
import { BASE, navigate } from './router.ts';

/** A link that moves within the console without reloading it (and still works as a plain link). */
export function Link({
  to,
  children,
  className,
  title,
  onClick,
}: {
  to: string;
  children: ReactNode;
  className?: string;
  title?: string;
  onClick?: () => void;
}) {
  const go = (e: MouseEvent) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    onClick?.();
    navigate(to);
  };
  return (
    <a href={`${BASE}${to}`} className={className} title={title} onClick={go}>
      {children}
    </a>
  );
}
