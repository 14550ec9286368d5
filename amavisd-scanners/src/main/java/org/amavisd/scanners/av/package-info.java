/**
 * Virus scanning: @av_scanners and @av_scanners_backup entries ({@link
 * org.amavisd.scanners.av.AvScannerConfig}), a clamd client over TCP and Unix-domain sockets
 * ({@link org.amavisd.scanners.av.ClamdClient}), command-line scanners, and {@link
 * org.amavisd.scanners.av.VirusScan}, which runs them in amavisd-new's order for one message.
 */
package org.amavisd.scanners.av;
