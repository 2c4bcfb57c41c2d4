# farm_fix.pl: rectifies one failed item of a farm site by editing the farm's served files (the
# farm serves from its directory), the way the site's office would; for daemon_rectify.sh.
#   perl farm_fix.pl FARM_DIR CHARSET KIND URL DETAIL
# CHARSET is the site's (truth.json); the service platform zwfw.hunan.gov.cn is UTF-8. Kinds:
#   no_search           a search form on the homepage (URL);
#   incomplete_guide    the guide at URL: labels shown empty or 暂无 get a value, and each
#                       element DETAIL names as missing that the page does not label gets a row
#                       (table guides) or a block (headed guides);
#   unanswered_message  the message at URL gets a reply (回复时间 2026-11-20, in the page's date
#                       style); a list that gives its rows' states says 已回复 for it;
#   stale_column        the column's list at URL gets a new item dated 2026-11-27 (in the list's
#                       date style) on top, with its article;
#   unreachable         nothing to edit: the re-check's own homepage fetch shows it reachable.
# Any other kind, or a page not shaped as expected: dies saying why (exit status not 0).
use utf8;
use strict;
use warnings;
use Encode qw(decode encode);
binmode STDERR, ':encoding(UTF-8)';

my ($farm, $charset, $kind, $url, $detail) = map { decode('UTF-8', $_) } @ARGV;
defined $detail or die "usage: farm_fix.pl FARM_DIR CHARSET KIND URL DETAIL\n";

# the served file of a URL, its host and the charset of its pages
sub file_of {
    my ($u) = @_;
    $u =~ m{^https?://([^/]+)(/.*)?$} or die "not a URL: $u\n";
    my ($h, $p) = ($1, $2 // '/');
    $p .= 'index.html' if $p =~ m{/$};
    return ("$farm/sites/$h$p", $h, $h eq 'zwfw.hunan.gov.cn' ? 'UTF-8' : $charset);
}
sub slurp {
    my ($f, $c) = @_;
    open my $fh, '<:raw', $f or die "$f: $!\n";
    local $/;
    my $b = <$fh>;
    return decode($c, $b, Encode::FB_CROAK);
}
sub spew {
    my ($f, $c, $t) = @_;
    open my $fh, '>:raw', $f or die "$f: $!\n";
    print $fh encode($c, $t, Encode::FB_CROAK);
    close $fh or die "$f: $!\n";
}
# a day written like $day (2025/11/01, 2025-11-01, 2025年11月01日) moved to 2026-MM-DD
sub restyle {
    my ($day, $mm, $dd) = @_;
    $day =~ s/^\d{4}(\D)\d\d(\D)\d\d/2026${1}${mm}${2}${dd}/ or die "not a day: $day\n";
    return $day;
}

$kind =~ /^(no_search|incomplete_guide|unanswered_message|stale_column|unreachable)$/
    or die "cannot fix a $kind in the farm\n";
exit 0 if $kind eq 'unreachable';
my ($file, $host, $cs) = file_of($url);
my $t = slurp($file, $cs);
if ($kind eq 'no_search') {
    $t =~ s{<body>}{<body><form action="/search/"><input name="keyword"></form>}
        or die "no <body> in $file\n";
    spew($file, $cs, $t);
} elsif ($kind eq 'incomplete_guide') {
    my ($name) = $t =~ m{<h2>([^<]+)</h2>} or die "no guide name in $file\n";
    my @values = (['事项名称', $name], ['名称', $name], ['依据', '《中华人民共和国行政许可法》第二十九条'],
                  ['受理', '政务服务中心'], ['实施主体', '政务服务中心'],
                  ['流程', '申请—受理—审查—决定—送达'], ['材料', '申请书（原件1份）'],
                  ['收费', '不收费'], ['时限', '5个工作日'], ['咨询', '0731-84841868'],
                  ['电话', '0731-84841868']);
    my $value = sub {
        my ($label) = @_;
        index($label, $_->[0]) >= 0 and return $_->[1] for @values;
        die "no value for the label $label in $file\n";
    };
    $t =~ s{(<td class="label">([^<]*)</td><td>)(?:暂无)?(</td>)}{$1 . $value->($2) . $3}ge;
    $t =~ s{(<h3>([^<]*)</h3><div class="content">)(?:<p>暂无</p>)?(</div>)}
           {"$1<p>" . $value->($2) . "</p>$3"}ge;
    my ($missing) = $detail =~ /: missing (.+)$/ or die "no missing elements in '$detail'\n";
    for my $e (split /, /, $missing) {
        next if $t =~ m{>(?:[一二三四五六七八九十]+、)?\Q$e\E</};
        my $v = $value->($e);
        $t =~ s{(<table class="bszn"[^>]*>\n?)}{$1<tr><td class="label">$e</td><td>$v</td></tr>\n}
            or $t =~ s{(</h2>)}{$1<div class="item"><h3>$e</h3><div class="content"><p>$v</p></div></div>\n}
            or die "cannot add $e to $file\n";
    }
    spew($file, $cs, $t);
} elsif ($kind eq 'unanswered_message') {
    my ($asked) = $t =~ m{<td>(?:留言|来信)时间：</td><td>([^<]+)</td>}
        or die "no day asked in $file\n";
    my $day = restyle($asked, '11', '20');
    $t =~ s{<tr><td>状态：</td><td>[^<]*</td></tr>}{<tr><td>回复单位：</td><td>办公室</td></tr>
<tr><td>回复时间：</td><td>$day</td></tr>
<tr><td>回复内容：</td><td>您好，您反映的问题已办理，感谢您的关注。</td></tr>}
        or die "no state row in $file\n";
    spew($file, $cs, $t);
    (my $dir = $file) =~ s{/[^/]+$}{};
    (my $page = $file) =~ s{.*/}{};
    for my $list (glob("$dir/index*.html")) {
        my $lt = slurp($list, $cs);
        spew($list, $cs, $lt) if $lt =~ s{(\Q$page\E"[^\n]*?)(?:未回复|待回复|办理中)}{$1已回复}g;
    }
} else {    # stale_column
    $t =~ m{(<li><a href="(/[^"]+/)(\d{6})/t(\d{8})_(\d+)\.html"[^\n]*?</li>)}
        or die "no dated item in $file\n";
    my ($li, $dir, $ym, $ymd, $n) = ($1, $2, $3, $4, $5);
    my $day = substr($ymd, 0, 4) . '\D' . substr($ymd, 4, 2) . '\D' . substr($ymd, 6, 2);
    (my $new = $li) =~ s{$ym/t${ymd}_$n}{202611/t20261127_0};
    $new =~ s{($day)}{restyle($1, '11', '27')}e or die "no day in $li\n";
    $t =~ s{\Q$li\E}{$new\n$li};
    spew($file, $cs, $t);
    my $root = "$farm/sites/$host";
    my $article = slurp("$root$dir$ym/t${ymd}_$n.html", $cs);
    $article =~ s{($day)}{restyle($1, '11', '27')}ge;
    -d "$root${dir}202611" or mkdir "$root${dir}202611" or die "$root${dir}202611: $!\n";
    spew("$root${dir}202611/t20261127_0.html", $cs, $article);
}
