# Prints, for each file named on the command line, the MIME errors MIME-tools' parser reports for
# it, set up as amavisd-new sets it up (errors ignored, nested messages left whole, uuencode
# looked for), on one line as amavisd-new logs them: "FILE<TAB>ERRORS".
use strict;
use warnings;
use File::Temp qw(tempdir);
use MIME::Parser;

my $out = tempdir(CLEANUP => 1);
for my $file (@ARGV) {
    my $parser = MIME::Parser->new;
    $parser->output_under($out);
    $parser->ignore_errors(1);
    $parser->extract_nested_messages(0);
    $parser->extract_uuencode(1);
    open(my $fh, '<', $file) or die "$file: $!";
    my $entity = $parser->parse($fh);
    close $fh;
    my $line = join('; ', $parser->results->errors);
    $line =~ s/\s+\z//;
    $line =~ s/[ \t\r]*\n+/; /g;
    $line =~ s/\s+/ /g;
    substr($line, 250) = '[...]' if length($line) > 250;
    print "$file\t$line\n";
    $parser->filer->purge;
}
