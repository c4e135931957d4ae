/**
 * A QR code drawn by the `qrcode` package into a canvas. The canvas is the
 * only place the text exists on screen: other phones (and cameras) read it
 * back from its pixels.
 */
import QRCode from 'qrcode';
import { useEffect, useRef, useState } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice';
import { describeError, type ErrorInfo } from '../../lib/errors';
import { QR_DISPLAY_ATTRIBUTE } from './screen-camera';

/** Drawn at twice the size it is shown, so modules stay sharp on dense screens and in photos. */
const PIXEL_RATIO = 2;

export function QrCanvas({
  text,
  size = 220,
  testId,
  label,
}: {
  text: string;
  size?: number;
  testId: string;
  label: string;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [drawn, setDrawn] = useState<string | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);

  useEffect(() => {
    const target = canvas.current;
    if (!target) return;
    let live = true;
    QRCode.toCanvas(target, text, { width: size * PIXEL_RATIO, margin: 2, errorCorrectionLevel: 'M' }).then(
      () => {
        if (!live) return;
        target.style.width = `${size}px`;
        target.style.height = `${size}px`;
        setDrawn(text);
        setError(null);
      },
      (e: unknown) => live && setError(describeError(e)),
    );
    return () => {
      live = false;
    };
  }, [text, size]);

  return (
    <>
      <canvas
        ref={canvas}
        className="qr-canvas"
        role="img"
        aria-label={label}
        data-testid={testId}
        data-ready={drawn === text ? 'true' : 'false'}
        {...{ [QR_DISPLAY_ATTRIBUTE]: '' }}
      />
      <ErrorNotice error={error} />
    </>
  );
}
