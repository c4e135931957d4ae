/**
 * "Point the camera at the other phone": on the demo page a phone can scan
 * what another phone shows. The other phone's QR image (a canvas drawn by
 * QrCanvas) is photographed into a frame of its own - drawn with a margin
 * and a slight tilt onto an offscreen canvas - and decoded from those
 * pixels like any camera frame. The other phone's state is never read.
 */
import { EcnyError } from '@ecny-sim/wallet-core';
import { createContext, useContext } from 'react';
import { decodeQrPixels, readableContext } from './qr-pixels';

/** Phones whose screens can be scanned (the demo page provides it; a lone phone has none). */
export interface ScreenCamera {
  phones: readonly number[];
}

export const ScreenCameraContext = createContext<ScreenCamera>({ phones: [] });

export function useScreenCamera(): ScreenCamera {
  return useContext(ScreenCameraContext);
}

/** Attribute QrCanvas puts on the QR image it shows, so a "camera" can find it on screen. */
export const QR_DISPLAY_ATTRIBUTE = 'data-qr-display';

/** Border around the code in the photo, and the tilt of the hand holding the camera. */
const FRAME_MARGIN = 48;
const TILT_RADIANS = (3 * Math.PI) / 180;

/** A photo of the QR code phone `phone` is showing, as pixels. */
export function photographPhoneScreen(phone: number): ImageData {
  const screen = document.querySelector(`[data-testid="phone-${phone}"] .phone-screen`);
  const shown = screen?.querySelector<HTMLCanvasElement | HTMLImageElement>(`[${QR_DISPLAY_ATTRIBUTE}]`);
  if (!shown) {
    throw new EcnyError('SCREEN_NO_QR', `phone ${phone} is not showing a QR code; open its QR screen first`);
  }
  if (shown.clientWidth === 0 || shown.clientHeight === 0) {
    throw new EcnyError('SCREEN_NO_QR', `phone ${phone}'s QR code is not visible`);
  }
  // At the image's own resolution: a close-up shot of a sharp screen.
  const width = shown instanceof HTMLImageElement ? shown.naturalWidth : shown.width;
  const height = shown instanceof HTMLImageElement ? shown.naturalHeight : shown.height;
  const frame = document.createElement('canvas');
  frame.width = width + 2 * FRAME_MARGIN;
  frame.height = height + 2 * FRAME_MARGIN;
  const context = readableContext(frame);
  // The phone's glass around the code, then the code, slightly rotated about its centre.
  context.fillStyle = '#e9e9ec';
  context.fillRect(0, 0, frame.width, frame.height);
  context.translate(frame.width / 2, frame.height / 2);
  context.rotate(TILT_RADIANS);
  context.drawImage(shown, -width / 2, -height / 2, width, height);
  context.setTransform(1, 0, 0, 1, 0, 0);
  return context.getImageData(0, 0, frame.width, frame.height);
}

/** Photographs phone `phone`'s screen and decodes the QR code on it. */
export function scanPhoneScreen(phone: number): string {
  return decodeQrPixels(photographPhoneScreen(phone));
}
