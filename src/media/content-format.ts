import type { MediaAnalysis } from '../domain/capture-rules.js';
import type { ContentFormat } from '../domain/vocabulary.js';

/**
 * The review's content format (SOP 8.6.6) proposed from a capture (issue 12 point 3); the
 * reviewer may change it. A picture is an image even though ffprobe reports it as a one-frame
 * video stream; otherwise a real video stream (not cover art: `probe` leaves that out) makes it
 * video, sound alone audio, and text text. Anything else, or a capture whose analysis failed
 * (an empty analysis), is `other`.
 */
export function proposedContentFormat(analysis: MediaAnalysis, mediaType: string): ContentFormat {
  if (mediaType.startsWith('image/')) return 'image';
  if (analysis.video) return 'video';
  if (analysis.hasAudio || analysis.audio) return 'audio';
  if (mediaType === 'text/plain') return 'text';
  return 'other';
}
