/**
 * QR codes from pixels: every scan in the app (another phone's screen, an
 * uploaded picture, camera frames) ends here as RGBA pixels decoded by jsQR.
 * Nothing reads a payload any other way.
 */
import { EcnyError } from '@ecny-sim/wallet-core';
import jsQR from 'jsqr';

/** The text of the QR code in the picture; throws QR_NOT_FOUND when there is none. */
export function decodeQrPixels(image: ImageData): string {
  // Dark on light first (nearly every code); light-on-dark screens only when that finds nothing.
  const found =
    jsQR(image.data, image.width, image.height, { inversionAttempts: 'dontInvert' }) ??
    jsQR(image.data, image.width, image.height, { inversionAttempts: 'onlyInvert' });
  if (!found?.data) {
    throw new EcnyError('QR_NOT_FOUND', 'no QR code found in the picture; hold it steady and scan again');
  }
  return found.data;
}

/** Like decodeQrPixels, but null instead of an error (for camera frames, most of which hold no code). */
export function tryDecodeQrPixels(image: ImageData): string | null {
  const found = jsQR(image.data, image.width, image.height, { inversionAttempts: 'dontInvert' });
  return found?.data || null;
}

/** A 2D context meant for reading pixels back. */
export function readableContext(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) throw new EcnyError('SCAN_UNSUPPORTED', 'this browser cannot read canvas pixels');
  return context;
}

/** Largest side an uploaded picture is scaled down to before decoding (jsQR is O(pixels)). */
const MAX_UPLOAD_SIDE = 1600;

/** Decodes the QR code in an image file (PNG, JPEG, ...). */
export async function decodeQrFile(file: Blob): Promise<string> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch (cause) {
    throw new EcnyError('IMAGE_UNREADABLE', 'this file is not a picture the browser can open', {}, { cause });
  }
  try {
    const scale = Math.min(1, MAX_UPLOAD_SIDE / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    const context = readableContext(canvas);
    context.fillStyle = '#fff';
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    return decodeQrPixels(context.getImageData(0, 0, canvas.width, canvas.height));
  } finally {
    bitmap.close();
  }
}
