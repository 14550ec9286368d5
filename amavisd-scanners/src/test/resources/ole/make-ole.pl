# make-ole.pl OUT KIND NAME CONTENT-FILE
# Writes an OLE2 compound file with OLE::Storage_Lite (Debian package libole-storage-lite-perl):
#   KIND "package": a document with a packaged file: ObjectPool/_1234567890/<1>Ole10Native holding
#                   NAME (label C:\Users\me\NAME, temporary path) and the content;
#   KIND "msg":     an Outlook message with one attachment: __attach_version1.0_#00000000 holding
#                   __substg1.0_37010102 (the content), __substg1.0_3707001F (NAME, UTF-16) and
#                   __substg1.0_3704001F (a short name).
use strict;
use warnings;
use OLE::Storage_Lite;

my ($out, $kind, $name, $content_file) = @ARGV;
open(my $fh, '<:raw', $content_file) or die "$content_file: $!";
my $content = do { local $/; <$fh> };
close $fh;

sub u { OLE::Storage_Lite::Asc2Ucs($_[0]) }
sub file { OLE::Storage_Lite::PPS::File->new(u($_[0]), $_[1]) }
sub dir { my $n = shift; OLE::Storage_Lite::PPS::Dir->new(u($n), undef, undef, [@_]) }
sub utf16 { my $s = shift; join('', map { pack('v', ord $_) } split //, $s) . "\0\0" }

my @top;
if ($kind eq 'package') {
    my $path = "C:\\Users\\me\\$name";
    my $tmp = "C:\\Temp\\$name";
    my $native = pack('v', 2) . "$name\0" . "$path\0" . pack('vv', 0, 3)
        . pack('V', length($tmp) + 1) . "$tmp\0" . pack('V', length $content) . $content;
    $native = pack('V', length $native) . $native;
    @top = (
        file('WordDocument', "\xec\xa5" . ("\0" x 510)),
        dir('ObjectPool', dir('_1234567890', file("\x01CompObj", "\1\0\xfe\xff"), file("\x01Ole10Native", $native))),
    );
} elsif ($kind eq 'msg') {
    @top = (
        file('__substg1.0_0037001F', utf16('a message with an attachment')),
        dir('__attach_version1.0_#00000000',
            file('__substg1.0_37010102', $content),
            file('__substg1.0_3707001F', utf16($name)),
            file('__substg1.0_3704001F', utf16('SHORT~1.EXE'))),
    );
} else {
    die "unknown kind $kind\n";
}
my $root = OLE::Storage_Lite::PPS::Root->new(undef, undef, \@top);
$root->save($out) or die "cannot write $out\n";
